"""A child process asked one JSON line at a time, kept up for the next request.

Validation asks the target Python two kinds of question that need the framework
imported there: contract checks (:mod:`codegen_ast.validate.target_env`'s probe
server) and package imports (:mod:`codegen_ast.validate.import_check`). Each is
one long-lived process per interpreter, so a batch pays the framework's import
once; this module is their common part: start on first use, restart once after
a death, read the answer within a deadline, stop at exit.
"""

from __future__ import annotations

import atexit
import json
import selectors
import subprocess
import threading
from typing import Any


class WorkerSilent(Exception):
    """The worker gave no answer: it ended, or did not answer within the deadline."""


class LineWorker:
    """One process (``argv`` run in ``cwd``); hold :attr:`lock` around a request and its answer."""

    def __init__(self, argv: list[str], cwd: str) -> None:
        self.argv = argv
        self.cwd = cwd
        self.lock = threading.Lock()
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> subprocess.Popen[str]:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                text=True, cwd=self.cwd,
            )
        return self.process

    def send(self, request: dict[str, Any]) -> None:
        """Write one request line; a worker found dead is started again, once."""
        line = json.dumps(request) + "\n"
        try:
            self._write(line)
        except OSError:
            self.stop()
            self._write(line)

    def _write(self, line: str) -> None:
        stream = self.start().stdin
        assert stream is not None
        stream.write(line)
        stream.flush()

    def receive(self, timeout_s: float, prefix: str = "") -> dict[str, Any]:
        """The next line starting with ``prefix``, parsed (lines before it are skipped).

        Raises :class:`WorkerSilent`, and stops the worker, when it ends or
        ``timeout_s`` passes with nothing to read.
        """
        stdout = self.start().stdout
        assert stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while selector.select(timeout_s):
                line = stdout.readline()
                if not line:
                    self.stop()
                    raise WorkerSilent("it ended")
                if line.startswith(prefix):
                    answer: dict[str, Any] = json.loads(line[len(prefix):])
                    return answer
        self.stop()
        raise WorkerSilent("it did not answer in time")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


_WORKERS: dict[tuple[str, ...], LineWorker] = {}
_WORKERS_LOCK = threading.Lock()


def shared_worker(argv: list[str], cwd: str) -> LineWorker:
    """The one worker of this command line in this process, created on first use."""
    with _WORKERS_LOCK:
        key = (cwd, *argv)
        if key not in _WORKERS:
            _WORKERS[key] = LineWorker(argv, cwd)
        return _WORKERS[key]


@atexit.register
def _stop_workers() -> None:
    for worker in _WORKERS.values():
        worker.stop()

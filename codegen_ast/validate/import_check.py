"""A package built in memory is imported before it is written (rule IMP003).

The static stages prove much, but not that the module bodies run: a class body
that evaluates an annotation to ``None | None``, a name bound twice, a pydantic
model the framework refuses. So at every validation level but ``none``, the
package is imported, with every module below it but its tests, in the target
Python — in a worker process (:mod:`codegen_ast.validate._import_worker`) that
stays up for the next package: a batch pays the framework's import once. The
request is sent before the other stages run and answered after them, so on two
cores the import costs little wall time.
"""

from __future__ import annotations

import atexit
import json
import selectors
import subprocess
import threading
from pathlib import Path
from typing import IO, Any

from codegen_ast.validate import _import_worker
from codegen_ast.validate.rules import Finding, Rule

IMPORT_FAILS = Rule(
    "IMP003", "imports", "error",
    "the generated package cannot be imported",
    "this is a defect of codegen-ast for this spec: report it with the spec; meanwhile "
    "rename the field or operation the error names",
)
RULES = (IMPORT_FAILS,)
BUILT_PACKAGES_ONLY = frozenset({IMPORT_FAILS.id})  # never reported for files on disk (codegen-ast validate)
_ANSWER_TIMEOUT_S = 300.0


class _Worker:
    """One worker process of one interpreter, asked one package at a time."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.lock = threading.Lock()
        self.process: subprocess.Popen[str] | None = None

    def _running(self) -> subprocess.Popen[str]:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [self.executable, _import_worker.__file__],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                text=True, cwd=Path(_import_worker.__file__).parent.parent.parent.anchor,
            )
        return self.process

    def send(self, root: Path, package: str) -> None:
        process = self._running()
        stream: IO[str] | None = process.stdin
        assert stream is not None
        stream.write(json.dumps({"root": str(root), "package": package}) + "\n")
        stream.flush()

    def receive(self) -> dict[str, Any]:
        process = self._running()
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            ready = selector.select(_ANSWER_TIMEOUT_S)
        line = process.stdout.readline() if ready else ""
        if not line:
            self.stop()
            reason = "it did not answer in time" if not ready else "it ended"
            return {"error": f"the import check could not run in {self.executable}: {reason}", "file": None, "line": None}
        answer: dict[str, Any] = json.loads(line)
        return answer

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


_WORKERS: dict[str, _Worker] = {}
_WORKERS_LOCK = threading.Lock()


def _worker(executable: str) -> _Worker:
    with _WORKERS_LOCK:
        if executable not in _WORKERS:
            _WORKERS[executable] = _Worker(executable)
        return _WORKERS[executable]


@atexit.register
def _stop_workers() -> None:
    for worker in _WORKERS.values():
        worker.stop()


class PendingImport:
    """An import asked of the worker; :meth:`findings` waits for its answer."""

    def __init__(self, executable: str, root: Path, package: str) -> None:
        self.worker = _worker(executable)
        self.package = package
        self.worker.lock.acquire()  # one request in flight per worker
        try:
            self.worker.send(root, package)
        except OSError:
            self.worker.stop()
            self.worker.send(root, package)  # a worker that had died: once more with a new one

    def findings(self) -> list[Finding]:
        try:
            answer = self.worker.receive()
        finally:
            self.worker.lock.release()
        if answer.get("error") is None:
            return []
        file = str(answer.get("file") or f"{self.package}/__init__.py")  # relative to the staging folder
        return [IMPORT_FAILS.finding(file, int(answer.get("line") or 1), f"importing it fails: {answer['error']}")]


def start_import(executable: str, root: Path, package: str) -> PendingImport:
    """Ask the worker of ``executable`` to import ``root/package``; collect with ``.findings()``."""
    return PendingImport(executable, root, package)

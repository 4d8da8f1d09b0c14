"""The target Python: the interpreter whose environment holds omnibase-core.

Contract loading (stage 2) and import resolution (stage 3) must answer for the
target environment, not for the one running codegen-ast. When both are the same
interpreter the probe is imported and called directly, but for contracts: those
need the framework's contract models (most of omnibase-core, ~0.7 s to import),
which a probe server process imports instead (:func:`prewarm` starts it while
the command does other work; it stays up for the next package). For another
interpreter the probe's source runs there in one subprocess per request.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from codegen_ast.validate import _probe
from codegen_ast.validate.source import ValidationInputError

_PROBE_TIMEOUT_S = 600


class TargetPython:
    """One interpreter; ``ask`` sends it a probe request and returns the answer."""

    def __init__(self, python: str | Path | None = None) -> None:
        self.executable = _interpreter(python)
        self.in_process = os.path.abspath(self.executable) == os.path.abspath(sys.executable)
        self._version: tuple[int, int] | None = (
            (sys.version_info.major, sys.version_info.minor) if self.in_process else None
        )

    @property
    def version(self) -> tuple[int, int]:
        """The target's ``major.minor``, asked once."""
        if self._version is None:
            self.ask({})
        assert self._version is not None
        return self._version

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.in_process and request.get("contracts"):
            answer = probe_server(self.executable).ask(request)  # never imports the framework here
        elif self.in_process:
            answer = _probe.probe(request)
        else:
            answer = self._ask_subprocess(request)
        major, minor, *_ = answer["python"]["version"]
        self._version = (int(major), int(minor))
        if answer.get("environment_error"):
            raise ValidationInputError(
                f"{answer['environment_error']}: install omnibase-core there, or pass "
                "--python with the interpreter of the environment that has it"
            )
        return answer

    def _ask_subprocess(self, request: dict[str, Any]) -> dict[str, Any]:
        source = Path(_probe.__file__).read_text(encoding="utf-8")
        try:
            result = subprocess.run(
                [self.executable, "-c", source],
                input=json.dumps(request),
                capture_output=True,
                text=True,
                timeout=_PROBE_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ValidationInputError(f"--python {self.executable}: cannot run it: {error}") from error
        marker = f"\n{_probe.SENTINEL}\n"
        if result.returncode != 0 or marker not in result.stdout:
            last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise ValidationInputError(
                f"--python {self.executable}: it could not answer the validator's questions: {last}"
            )
        answer: dict[str, Any] = json.loads(result.stdout.rsplit(marker, 1)[1])
        return answer


def _interpreter(python: str | Path | None) -> str:
    if python is None:
        return sys.executable
    text = str(python)
    if os.sep not in text and "/" not in text:
        found = shutil.which(text)
        if found is None:
            raise ValidationInputError(f"--python {text}: no such interpreter on PATH")
        text = found
    path = Path(text)
    if not path.is_file() or not os.access(path, os.X_OK):
        raise ValidationInputError(f"--python {text}: not an executable file")
    return str(path.absolute())


class _ProbeServer:
    """``_probe.py --serve`` in one interpreter: one request at a time, kept up for the next."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.lock = threading.Lock()
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> subprocess.Popen[str]:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [self.executable, "-c", Path(_probe.__file__).read_text(encoding="utf-8"), "--serve"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                cwd=Path(_probe.__file__).anchor,
            )
        return self.process

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            process = self.start()
            assert process.stdin is not None and process.stdout is not None
            try:
                process.stdin.write(json.dumps(request) + "\n")
                process.stdin.flush()
            except OSError:
                self.stop()
                process = self.start()
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write(json.dumps(request) + "\n")
                process.stdin.flush()
            stdout = process.stdout
            assert stdout is not None
            with selectors.DefaultSelector() as selector:
                selector.register(stdout, selectors.EVENT_READ)
                while selector.select(_PROBE_TIMEOUT_S):
                    line = stdout.readline()
                    if not line:
                        break
                    if line.startswith(_probe.SENTINEL):
                        answer: dict[str, Any] = json.loads(line[len(_probe.SENTINEL):])
                        return answer
            self.stop()
        raise ValidationInputError(f"{self.executable}: the contract check ended without an answer")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


_SERVERS: dict[str, _ProbeServer] = {}
_SERVERS_LOCK = threading.Lock()


def probe_server(executable: str) -> _ProbeServer:
    with _SERVERS_LOCK:
        if executable not in _SERVERS:
            _SERVERS[executable] = _ProbeServer(executable)
        return _SERVERS[executable]


def prewarm(python: str | Path | None = None) -> None:
    """Start the probe server of this interpreter now, so the framework is imported by the time stage 2 asks."""
    try:
        target = TargetPython(python)
    except ValidationInputError:
        return  # validation says what is wrong with --python
    if target.in_process:
        probe_server(target.executable).start()


@atexit.register
def _stop_servers() -> None:
    for server in _SERVERS.values():
        server.stop()

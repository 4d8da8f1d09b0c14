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

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from codegen_ast.validate import _probe
from codegen_ast.validate.line_worker import LineWorker, WorkerSilent, shared_worker
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
            answer = _ask_probe_server(self.executable, request)  # never imports the framework here
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


def _probe_server(executable: str) -> LineWorker:
    """``_probe.py --serve`` in one interpreter: one request at a time, kept up for the next."""
    source = Path(_probe.__file__)
    return shared_worker([executable, "-c", source.read_text(encoding="utf-8"), "--serve"], cwd=source.anchor)


def _ask_probe_server(executable: str, request: dict[str, Any]) -> dict[str, Any]:
    server = _probe_server(executable)
    with server.lock:
        server.send(request)
        try:
            return server.receive(_PROBE_TIMEOUT_S, prefix=_probe.SENTINEL)
        except WorkerSilent as silent:
            raise ValidationInputError(
                f"{executable}: the contract check ended without an answer ({silent})"
            ) from None


def prewarm(python: str | Path | None = None) -> None:
    """Start the probe server of this interpreter now, so the framework is imported by the time stage 2 asks."""
    try:
        target = TargetPython(python)
    except ValidationInputError:
        return  # validation says what is wrong with --python
    if target.in_process:
        _probe_server(target.executable).start()

"""The target Python: the interpreter whose environment holds omnibase-core.

Contract loading (stage 2) and import resolution (stage 3) must answer for the
target environment, not for the one running codegen-ast. When both are the same
interpreter the probe is imported and called directly; otherwise its source runs
in the target interpreter in one subprocess per request.
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
        if self.in_process:
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

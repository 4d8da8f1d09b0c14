"""mypy kept warm between commands: its daemon, started from a fine-grained cache.

Most of a ``mypy --strict`` run on a generated package is spent loading
omnibase-core (~2,900 modules) from the cache, a few seconds in every fresh
process. mypy's daemon (``dmypy``) keeps them loaded, so a later check costs
well under a second. The first check of a cache runs in this process, as before,
with ``--cache-fine-grained`` (about a tenth more work on a cold cache), then
starts a daemon with ``--use-fine-grained-cache`` that loads that cache on its
first request instead of checking the framework again. Later checks go to it.

One daemon per cache folder and set of mypy flags (its status file is named by
their digest, in the cache folder); it exits after :data:`IDLE_TIMEOUT_S` with
no request. A lock file serializes the commands that share one. Whatever goes
wrong with the daemon, the check runs in this process instead.
``CODEGEN_AST_MYPY_DAEMON=0`` never uses it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from codegen_ast.validate import mypy_api

IDLE_TIMEOUT_S = 1800
_START_TIMEOUT_S = 120
_WRITES_CACHE = "--cache-fine-grained"
_READS_CACHE = "--use-fine-grained-cache"

MypyResult = tuple[str, str, int]  # stdout, stderr, exit status, as mypy.api.run returns them


def enabled() -> bool:
    return os.environ.get("CODEGEN_AST_MYPY_DAEMON", "1").strip().lower() not in {"0", "no", "off", "false"}


def run(flags: list[str], files: list[str], cache: Path) -> MypyResult:
    """mypy with ``flags`` on ``files``: through the daemon when one is up, else here (then start one)."""
    if not enabled():
        return mypy_api.run([*flags, *files])
    status_file = _status_file(flags, cache)
    with _locked(status_file.with_suffix(".lock")):
        answer = _ask_daemon(status_file, [*flags, _WRITES_CACHE, _READS_CACHE, *files])
        if answer is not None:
            return answer
        result = mypy_api.run([*flags, _WRITES_CACHE, *files])
        _start_daemon(status_file, [*flags, _WRITES_CACHE, _READS_CACHE])
        return result


def stop(flags: list[str], cache: Path) -> None:
    """Stop the daemon of these flags and cache folder, if one runs."""
    status_file = _status_file(flags, cache)
    if status_file.exists():
        _dmypy(status_file, "stop")


def _status_file(flags: list[str], cache: Path) -> Path:
    digest = hashlib.sha256("\0".join([sys.executable, *flags]).encode()).hexdigest()[:16]
    folder = cache / "codegen-ast-dmypy"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{digest}.json"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _ask_daemon(status_file: Path, arguments: list[str]) -> MypyResult | None:
    """The daemon's answer, or None when none runs or it cannot answer (it is stopped then)."""
    from mypy.dmypy.client import is_running, request
    from mypy.version import __version__

    if not is_running(str(status_file)):
        return None
    response = request(str(status_file), "run", version=__version__, args=arguments, export_types=False)
    if "restart" in response or "error" in response or "out" not in response:
        _dmypy(status_file, "kill")
        return None
    return str(response["out"]), str(response.get("err", "")), int(response.get("status", 2))


def _start_daemon(status_file: Path, flags: list[str]) -> None:
    """Start a daemon in the background (it outlives this process; failing to start is not an error)."""
    _dmypy(status_file, "start", "--timeout", str(IDLE_TIMEOUT_S), "--", *flags)


def _dmypy(status_file: Path, *command: str) -> None:
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run(
            [sys.executable, "-m", "mypy.dmypy", "--status-file", str(status_file), *command],
            stdin=subprocess.DEVNULL, capture_output=True, timeout=_START_TIMEOUT_S, check=False,
            cwd=status_file.anchor,
        )

"""One writer at a time per package: a lock file (filelock) beside the package.

Every command that writes a package (``new``, ``regenerate``, ``upgrade
--write``) takes the package's lock first. A second run on the same package
waits for the first one, up to ``timeout`` seconds, then fails with a message
that names the package and the lock file (exit code 2).

The lock files live in a ``.codegen-ast/`` folder beside the package, which
ignores itself for git (it holds a ``.gitignore`` of ``*``, as pytest's
cache folder does), so locks never show up in a user's ``git status``.

The lock is re-entrant within a process: ``regenerate`` can hold it around its
read-merge-write while ``write_package`` takes it again inside.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from codegen_ast.errors import CodegenError

LOCK_FOLDER = ".codegen-ast"
# how long a second run waits for the first (CODEGEN_AST_LOCK_TIMEOUT overrides it)
DEFAULT_TIMEOUT_S = 60.0


class PackageBusy(CodegenError):
    """Another codegen-ast run holds the package's lock (exit code 2)."""


def lock_path(package_dir: Path) -> Path:
    """The lock file of ``package_dir`` (which need not exist yet)."""
    folder = package_dir.resolve()
    return folder.parent / LOCK_FOLDER / f"{folder.name}.lock"


def _timeout() -> float:
    value = os.environ.get("CODEGEN_AST_LOCK_TIMEOUT")
    try:
        return float(value) if value else DEFAULT_TIMEOUT_S
    except ValueError:
        return DEFAULT_TIMEOUT_S


@contextmanager
def package_lock(
    package_dir: Path,
    *,
    timeout: float | None = None,
    on_wait: Callable[[Path], None] | None = None,
) -> Iterator[Path]:
    """Hold the lock of ``package_dir`` for the duration of the block.

    ``on_wait`` is called once, with the lock file, when another run holds it
    and this one starts waiting. Raises :class:`PackageBusy` after ``timeout``
    seconds (default ``CODEGEN_AST_LOCK_TIMEOUT`` or 60)."""
    path = lock_path(package_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    ignore = path.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# written by codegen-ast: its lock files\n*\n", encoding="utf-8")
    lock = FileLock(path, is_singleton=True)  # one object per path: re-entrant in this process
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait(path)
        wait = _timeout() if timeout is None else timeout
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise PackageBusy(
                f"{package_dir}: another codegen-ast run is writing this package (lock {path}, "
                f"waited {wait:g} s): run again when it has finished"
            ) from None
    try:
        yield path
    finally:
        lock.release()

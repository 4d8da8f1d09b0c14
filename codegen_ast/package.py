"""Write a generated package to disk: atomically, under the package's lock,
recovering whatever an interrupted run left behind.

The files are written into a staging folder in ``OUTPUT/.codegen-ast/`` (the
folder that also holds the package's lock, on the same file system as the
package) and put in place by one rename, or, to replace an existing package,
by one atomic exchange of the two folders (Linux ``renameat2``). Where the
exchange is not available, the old package is first renamed aside, then the
new one into place: a run killed between those two renames leaves the old
package complete in ``.codegen-ast/``, and the next run puts it back.

Every run starts, under the lock, by recovering: a package that is missing
while an old copy of it is left over is restored, and left-over staging and
old folders are removed; each of these is reported. The "already exists"
check and the write happen under the same lock, so of two concurrent runs
without ``--force`` one writes and the other fails.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from codegen_ast.errors import OutputError
from codegen_ast.locking import LOCK_FOLDER, package_lock

if TYPE_CHECKING:
    from codegen_ast.generate import GeneratedPackage

_STAGING, _OLD = "new", "old"
_log = logging.getLogger("codegen_ast")


def _step(name: str) -> None:
    """Called between the steps of a write; the crash tests widen the windows with it."""


def _leftovers(work: Path, name: str) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {_STAGING: [], _OLD: []}
    if work.is_dir():
        for path in sorted(work.iterdir()):
            kind = path.name.removeprefix(f"{name}.").partition("-")[0]
            if path.name.startswith(f"{name}.") and kind in found:
                found[kind].append(path)
    return found


def recover(output_dir: Path, name: str) -> list[str]:
    """Undo what an interrupted write of ``output_dir/name`` left; say what was done.

    Call it holding the package's lock (``write_package`` does)."""
    target, work = output_dir / name, output_dir / LOCK_FOLDER
    found = _leftovers(work, name)
    done: list[str] = []
    if found[_OLD] and not os.path.lexists(target):
        # an old copy is complete once renamed aside: it is removed only after the new one is in place
        os.rename(found[_OLD].pop(), target)
        done.append(f"{target}: restored the package an interrupted run had moved aside")
    stale = found[_OLD] + found[_STAGING]
    for path in stale:
        shutil.rmtree(path)
    if stale:
        done.append(f"{target}: removed {len(stale)} folder(s) an interrupted run left in {work}")
    return done


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step; False where the system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _inside(root: Path, relative: str) -> Path:
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise OutputError(f"refusing to write {relative!r}: it would land outside {root}")
    return target


def _stage(package: GeneratedPackage, staging: Path) -> None:
    staging.mkdir()
    for relative, text in package.files.items():
        path = _inside(staging, relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        _step("file")


def _put_in_place(staging: Path, target: Path, work: Path, name: str) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        _step("exchanged")  # staging now holds the old package
        shutil.rmtree(staging)
        return
    old = work / f"{name}.{_OLD}-{secrets.token_hex(4)}"
    os.rename(target, old)
    _step("moved-aside")
    os.rename(staging, target)
    _step("renamed")
    shutil.rmtree(old)


def output_folder(output_dir: Path, follow_symlinks: bool) -> Path:
    """The folder to write into, created when missing: a symbolic link is refused unless
    ``follow_symlinks`` (then where it points), a file is refused."""
    if output_dir.is_symlink() and not follow_symlinks:
        raise OutputError(
            f"{output_dir} is a symbolic link: pass --follow-symlinks to write where it points "
            f"({output_dir.resolve()}), or choose another -o folder"
        )
    if output_dir.exists() and not output_dir.is_dir():
        raise OutputError(f"{output_dir} is not a folder: choose a folder for -o")
    output_dir.mkdir(parents=True, exist_ok=True)
    return output_dir.resolve() if follow_symlinks else output_dir


def write_package(
    package: GeneratedPackage,
    output_dir: Path,
    *,
    force: bool = False,
    follow_symlinks: bool = False,
    notify: Callable[[str], None] | None = None,
    guard: Callable[[Path], None] | None = None,
) -> Path:
    """Write ``package`` as ``output_dir/<package name>/``; returns that path.

    ``guard`` is called with the target, under the lock, before anything is
    written (``new --force`` refuses there to destroy the user's work).
    ``notify`` receives what recovering from an interrupted run did. An
    output folder that is a symbolic link is refused unless
    ``follow_symlinks``. Every OS error becomes an :class:`OutputError`
    naming the path."""
    try:
        root = output_folder(output_dir, follow_symlinks)
        target = root / package.name
        work = root / LOCK_FOLDER
        with package_lock(target):
            for message in recover(root, package.name):
                (notify or _log.warning)(message)
            if target.is_symlink():
                raise OutputError(f"{target} is a symbolic link: remove it or choose another -o folder")
            if target.exists() and not target.is_dir():
                raise OutputError(f"{target} is a file, not a package folder: move it away or choose another -o folder")
            if target.exists() and not force:
                raise OutputError(
                    f"{target} already exists: pass --force to replace it, or choose another -o folder"
                )
            if guard is not None:
                guard(target)
            staging = work / f"{package.name}.{_STAGING}-{secrets.token_hex(4)}"
            try:
                _stage(package, staging)
                _step("staged")
                _put_in_place(staging, target, work, package.name)
            finally:
                if staging.exists():
                    shutil.rmtree(staging, ignore_errors=True)
    except OSError as error:
        raise OutputError(describe_write_error(error, output_dir)) from None
    return target


def describe_write_error(error: OSError, fallback: Path) -> str:
    """``cannot write <path>: <reason>; <what to do>`` for an OS error while writing."""
    path = error.filename if error.filename is not None else fallback
    reason = error.strerror or str(error)
    hints = {
        errno.EACCES: "check its permissions, or choose another -o folder",
        errno.EPERM: "check its permissions, or choose another -o folder",
        errno.EROFS: "the file system is read-only: choose another -o folder",
        errno.ENOSPC: "the disk is full: free some space, or choose another -o folder",
        errno.EDQUOT: "the disk quota is exhausted: free some space, or choose another -o folder",
        errno.ENAMETOOLONG: "the name is too long for the file system: choose a shorter node name or -o path",
        errno.ENOTDIR: "a part of the path is a file, not a folder: choose another -o folder",
        errno.EEXIST: "a file is in the way: choose another -o folder",
    }
    return f"cannot write {path}: {reason}; {hints.get(error.errno or 0, 'check the path and retry')}"

"""Write a generated package to disk atomically.

The files are written into a temporary folder beside the target and renamed
into place in one step, so a failure at any point leaves the target as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from codegen_ast.errors import OutputError

if TYPE_CHECKING:
    from codegen_ast.generate import GeneratedPackage


def _inside(root: Path, relative: str) -> Path:
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise OutputError(f"refusing to write {relative!r}: it would land outside {root}")
    return target


def _copy_user_files(target: Path, staging: Path, generated: set[str], dropped: set[str]) -> None:
    """Files in ``target`` the generator does not write (the user's own) move along."""
    for path in target.rglob("*"):
        relative = path.relative_to(target).as_posix()
        if path.is_file() and not path.is_symlink() and relative not in generated | dropped and "__pycache__" not in path.parts:
            destination = staging / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)


def write_package(
    package: GeneratedPackage,
    output_dir: Path,
    *,
    force: bool = False,
    keep_user_files: bool = False,
    dropped: frozenset[str] = frozenset(),
) -> Path:
    """Write ``package`` as ``output_dir/<package name>/``; returns that path.

    ``keep_user_files`` (regenerate) carries over files of an existing package
    that the generator does not write, except the ``dropped`` ones."""
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / package.name
    if target.is_symlink():
        raise OutputError(f"{target} is a symbolic link: remove it or choose another -o folder")
    if target.exists() and not force:
        raise OutputError(
            f"{target} already exists: pass --force to replace it, or choose another -o folder"
        )
    staging = Path(tempfile.mkdtemp(prefix=f".{package.name}.", dir=output_dir))
    try:
        for relative, text in package.files.items():
            path = _inside(staging, relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if keep_user_files and target.is_dir():
            _copy_user_files(target, staging, set(package.files), set(dropped))
        if target.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{package.name}.old.", dir=output_dir))
            os.replace(target, backup / package.name)
            try:
                os.replace(staging, target)
            except BaseException:
                os.replace(backup / package.name, target)
                raise
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target

"""``validate(paths, level=...)``: run the stages a level asks for, collect a Report.

Levels: ``none`` runs nothing at all (it does not even look at the paths);
``basic`` = syntax + structure; ``standard`` = stages 1-5; ``strict`` = all six.
Errors fail every level; at ``strict`` warnings fail too.
"""

from __future__ import annotations

import atexit
import dataclasses
import shutil
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from codegen_ast import __version__
from codegen_ast.scratch import scratch_folder
from codegen_ast.validate.completeness import check_completeness, manual_completion
from codegen_ast.validate.import_check import start_import
from codegen_ast.validate.imports import check_imports
from codegen_ast.validate.modules import ModuleIndex, one_run
from codegen_ast.validate.nodes import ClassResolver
from codegen_ast.validate.report import LEVEL_STAGES, LEVELS, Level, Report
from codegen_ast.validate.rules import Finding
from codegen_ast.validate.security import check_security
from codegen_ast.validate.source import ValidationInputError, discover
from codegen_ast.validate.structure import check_structure
from codegen_ast.validate.syntax import check_syntax
from codegen_ast.validate.target_env import TargetPython
from codegen_ast.validate.typecheck import check_types, not_reported_before
from codegen_ast.walk import Excludes

if TYPE_CHECKING:
    from codegen_ast.generate import GeneratedPackage


def as_level(level: str) -> Level:
    for known in LEVELS:
        if level == known:
            return known
    raise ValidationInputError(f"unknown validation level {level!r}: use one of {', '.join(LEVELS)}")


def validate(
    paths: Iterable[str | Path],
    *,
    level: str = "standard",
    python: str | Path | None = None,
    mypy_cache: str | Path | None = None,
    display_root: Path | None = None,
    excludes: Excludes | None = None,
) -> Report:
    """Validate the node packages and Python files below ``paths``.

    ``python`` is the target interpreter (default: this one); ``mypy_cache`` the
    cache directory of stage 6 (default: ``typecheck.default_cache_dir(target)``);
    paths in the report are relative to ``display_root`` (default: the current
    folder) when inside it; ``excludes`` names paths the walks leave out (what
    git ignores is always left out). Raises ValidationInputError for unusable input.
    """
    chosen = as_level(level)
    stages = LEVEL_STAGES[chosen]
    if not stages:
        return Report(level=chosen, tool_version=__version__)
    with one_run():  # the files are taken not to change during the run
        target = TargetPython(python)
        workspace = discover(paths, display_root, excludes)
        index = ModuleIndex(target)
        findings: list[Finding] = check_syntax(workspace)
        findings += check_structure(workspace, index)
        figure = None
        if "imports" in stages:
            findings += check_imports(workspace, index)
            findings += check_security(workspace)
            findings += check_completeness(workspace)
            figure = manual_completion(workspace, findings, ClassResolver(index))
        if "types" in stages:
            found = check_types(workspace, target, Path(mypy_cache) if mypy_cache is not None else None)
            findings += not_reported_before(found, findings)
    return Report(
        level=chosen,
        stages=stages,
        python=target.executable,
        files=workspace.files,
        findings=findings,
        manual_completion=figure,
        tool_version=__version__,
    )


def validate_generated(
    package: GeneratedPackage,
    *,
    level: str = "standard",
    python: str | Path | None = None,
    mypy_cache: str | Path | None = None,
) -> Report:
    """Validate a package built in memory, before it is written anywhere.

    The files go to a private temporary folder (the stages read files, and
    mypy needs them on disk); the report names them relative to it, e.g.
    ``node_orders_effect/node.py``. At every level but ``none`` the package is
    also imported in the target Python (rule IMP003).
    """
    chosen = as_level(level)
    if not LEVEL_STAGES[chosen]:
        return Report(level=chosen, tool_version=__version__)
    with staged(package, "codegen-ast-validate-") as root:
        # imported in the target Python while the other stages run (IMP003, at every level)
        pending = start_import(TargetPython(python).executable, root.parent, package.name, staged_files(package))
        try:
            report = validate([root], level=chosen, python=python, mypy_cache=mypy_cache, display_root=root.parent)
        finally:
            imported = pending.findings()
    return dataclasses.replace(report, findings=[*report.findings, *imported]) if imported else report


@contextmanager
def staged(package: GeneratedPackage, prefix: str) -> Iterator[Path]:
    """The package's files written to ``<private temporary folder>/<package name>``, removed afterwards.

    What it needs beside it (``onex_support``, the same for every package of a run) is
    written once per process and linked in, not written and removed per package."""
    staging = scratch_folder(prefix)
    try:
        made = {staging}
        files = {f"{package.name}/{relative}": text for relative, text in package.files.items()}
        if not _link_beside(package.beside, staging):
            files = {**package.beside, **files}
        for relative, text in files.items():
            path = staging / relative
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_text(text, encoding="utf-8")
        yield staging / package.name
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# What packages need beside them, written once per process per content: the files -> their folder.
_SHARED_BESIDE: dict[tuple[tuple[str, str], ...], Path] = {}


def _link_beside(beside: Mapping[str, str], staging: Path) -> bool:
    """Link the top-level entries of ``beside``, written once in a folder of their own,
    into ``staging``; False (nothing linked) when links cannot be made here."""
    if not beside:
        return True
    key = tuple(sorted(beside.items()))
    shared = _SHARED_BESIDE.get(key)
    try:
        if shared is None or not shared.is_dir():
            shared = scratch_folder("codegen-ast-beside-")
            if not _SHARED_BESIDE:
                atexit.register(_remove_shared_beside)
            _SHARED_BESIDE[key] = shared
            for relative, text in beside.items():
                path = shared / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        for top in dict.fromkeys(relative.split("/", 1)[0] for relative in beside):
            (staging / top).symlink_to(shared / top, target_is_directory=(shared / top).is_dir())
    except OSError:
        for entry in staging.iterdir():
            if entry.is_symlink():
                entry.unlink()
        return False
    return True


def _remove_shared_beside() -> None:
    for folder in _SHARED_BESIDE.values():
        shutil.rmtree(folder, ignore_errors=True)
    _SHARED_BESIDE.clear()


def staged_files(package: GeneratedPackage) -> dict[str, str]:
    """What :func:`staged` writes: path in the staging folder -> text (the package's
    files below its name, what it needs beside it at the top)."""
    return {**package.beside, **{f"{package.name}/{relative}": text for relative, text in package.files.items()}}

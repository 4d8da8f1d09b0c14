"""``codegen-ast upgrade --to declarative``: the command's side of :mod:`codegen_ast.upgrade.migrate`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import libcst as cst

from codegen_ast.commands.common import EXIT_FINDINGS, Diagnostic, Run
from codegen_ast.commands.output import text_diff
from codegen_ast.upgrade.files import python_files, read_python
from codegen_ast.upgrade.migrate import Migration, migrate_node, write_migration
from codegen_ast.upgrade.nodes import find_node_classes
from codegen_ast.upgrade.reshape import Reshape, generated_packages, plan_reshape, write_reshape

NOT_MIGRATED = "UPG002"
_ALREADY = "it is declarative already"


def _node_files(paths: tuple[Path, ...], run: Run) -> list[Path]:
    """The files below ``paths`` that hold a node class (handlers and models do not)."""
    found = []
    for path in python_files(paths, excludes=run.excludes):
        try:
            text, _ = read_python(path)
            if "class " in text and find_node_classes(cst.parse_module(text)):
                found.append(path)
        except (OSError, SyntaxError, UnicodeDecodeError, cst.ParserSyntaxError):
            continue  # a file that does not parse holds nothing to migrate; `upgrade` reports it
    return found


def _as_dict(migration: Migration) -> dict[str, object]:
    return {
        "path": str(migration.path),
        "migrated": migration.changed,
        "operations": list(migration.operations),
        "files": sorted(str(path) for path in migration.files),
        "left_unchanged": migration.reason,
    }


def _reshape(packages: list[Path], run: Run, *, diff: bool, write: bool, python: str | None) -> list[Reshape]:
    """Packages codegen-ast generated: generated again in the declarative shape."""
    plans = [plan_reshape(package, python=python) for package in packages]
    for plan in plans:
        if plan.reason is not None or run.output_format == "json":
            continue
        if diff:
            for relative, text in sorted(plan.files.items()):
                run.diff(text_diff(plan.originals.get(relative, ""), text, str(plan.root / relative)))
            for relative in plan.removed:
                run.diff(text_diff(plan.originals.get(relative, ""), "", str(plan.root / relative)))
        verb = "reshaped" if write else "would reshape"
        run.out(f"{verb} {plan.root} (generated) to the declarative shape: {len(plan.files)} files written, "
                f"{len(plan.removed)} of the old shape removed"
                + (f"; your edits carried into {', '.join(plan.carried)}" if plan.carried else ""))
        if write:
            write_reshape(plan)
    return plans


def migrate_command(paths: tuple[Path, ...], run: Run, *, check: bool, diff: bool, write: bool,
                    python: str | None = None) -> None:
    generated = generated_packages(paths)
    reshaped = _reshape(generated, run, diff=diff, write=write, python=python)
    others = tuple(path for path in paths if path not in generated)
    hand_written = [path for path in _node_files(others, run) if not any(p in path.parents for p in generated)]
    migrations = [migrate_node(path) for path in hand_written] if others else []
    refused = [m for m in migrations if m.reason is not None and m.reason != _ALREADY]
    for migration in migrations:
        if run.output_format == "json":
            continue
        if migration.reason == _ALREADY:
            run.info(f"{migration.path}: {_ALREADY}")
        elif migration.changed:
            operations = ", ".join(migration.operations)
            if diff:
                for path, text in migration.files.items():
                    run.diff(text_diff(migration.originals.get(path, ""), text, str(path)))
            verb = "migrated" if write else "would migrate"
            run.out(f"{verb} {migration.path} to the declarative shape (operations: {operations}; "
                    f"{len(migration.files)} files)")
        if write and migration.changed:
            write_migration(migration)
    refused += [Migration(plan.root, reason=plan.reason) for plan in reshaped
                if plan.reason is not None and plan.reason != _ALREADY]
    if run.output_format == "json":
        run.out(json.dumps([_as_dict(m) for m in migrations] + [_reshape_dict(p) for p in reshaped], indent=2))
    else:
        for plan in reshaped:
            if plan.reason == _ALREADY:
                run.info(f"{plan.root}: {_ALREADY}")
        run.diagnostics(
            [Diagnostic(str(m.path), 1, 1, NOT_MIGRATED, f"left unchanged: {m.reason}") for m in refused]
        )
    due = [m for m in migrations if m.changed] + [p for p in reshaped if p.changed]
    total = len(migrations) + len(reshaped)
    run.info(f"{total} nodes, {len(due)} {'migrated' if write else 'to migrate'}"
             + (f", {len(refused)} left unchanged" if refused else ""))
    sys.exit(EXIT_FINDINGS if refused or (check and due) else 0)


def _reshape_dict(plan: Reshape) -> dict[str, object]:
    return {
        "path": str(plan.root),
        "migrated": plan.changed,
        "generated_package": True,
        "files": sorted(str(plan.root / relative) for relative in plan.files),
        "removed": sorted(str(plan.root / relative) for relative in plan.removed),
        "carried": sorted(str(plan.root / relative) for relative in plan.carried),
        "left_unchanged": plan.reason,
    }

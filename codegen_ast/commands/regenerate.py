"""``codegen-ast regenerate``: bring packages up to date and keep the user's work."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from codegen_ast.commands.common import Diagnostic, Progress, Run, shared_options
from codegen_ast.commands.output import text_diff
from codegen_ast.locking import package_lock
from codegen_ast.regenerate import Regeneration, apply_regeneration, find_package, plan_regeneration
from codegen_ast.validate.command import LEVEL_HELP, PYTHON_HELP, report_diagnostics
from codegen_ast.validate.report import LEVELS

CONFLICT = "MRG001"
UNRESOLVED = "MRG002"


def _diagnostics(plan: Regeneration, shown: Path) -> list[Diagnostic]:
    found = []
    for file in plan.conflicts:
        path = (shown / file.path).as_posix()
        if not file.conflicts:
            found.append(Diagnostic(path, 1, 1, UNRESOLVED, file.note or "conflict", fix="resolve the markers, then run regenerate again"))
        for conflict in file.conflicts:
            found.append(Diagnostic(
                path, conflict.line, 1, CONFLICT,
                f"conflict in {conflict.where}: changed by you and by the generator",
                fix="keep what you need between the <<<<<<< yours and >>>>>>> codegen-ast markers, remove them",
            ))
    return found


def _diff(plan: Regeneration, shown: Path) -> str:
    chunks = []
    writes = plan.writes
    for relative in plan.changed():
        path = plan.root / relative
        before = path.read_text(encoding="utf-8") if path.is_file() else ""
        chunks.append(text_diff(before, writes.get(relative, ""), (shown / relative).as_posix(),
                                existed=path.is_file(), remains=relative in writes))
    return "".join(chunks)


def _shown(root: Path) -> Path:
    """The package folder as people see it: relative to here when below it."""
    try:
        return root.relative_to(Path.cwd().resolve())
    except ValueError:
        return root


@click.command("regenerate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--spec", "spec_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Regenerate from this spec file (one package only); it is remembered for next time.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if regenerating would change anything.")
@click.option("--diff", is_flag=True, help="Write nothing; print the unified diff regenerating would apply.")
@click.option("--dry-run", is_flag=True, help="Write nothing; list the files that would change.")
@click.option("--level", type=click.Choice(LEVELS), default=None,
              help="Validate the package after writing it (default: [tool.codegen-ast] level, else standard). "
              + LEVEL_HELP)
@click.option("--python", metavar="PATH", default=None, help=PYTHON_HELP)
@shared_options(output_formats=("text", "json", "github"))
def regenerate_command(
    paths: tuple[Path, ...],
    spec_file: Path | None,
    check: bool,
    diff: bool,
    dry_run: bool,
    level: str | None,
    python: str | None,
    run: Run,
) -> None:
    """Bring each generated package up to date, merging your edits three ways.

    PATH is a package folder, or any path inside one. The spec is the file the
    package was generated from (re-read, so an edited spec is picked up), or
    the one the manifest records. Each file is merged three ways: what was
    generated last time, your file, and what is generated now. Your changes
    and the generator's both land; comments and blank lines never conflict;
    a true conflict is written between <<<<<<< yours / >>>>>>> codegen-ast
    markers, listed as path:line:col: MRG001, and the exit code is 1. Files
    the manifest does not know, or that you edited where no record of the
    generated text exists, are kept as they are. The package is validated
    afterwards (--level).

    --check, --diff and --dry-run write nothing and combine. Exit status: 0
    up to date (or written and valid), 1 conflicts, changes due under
    --check, or validation findings, 2 bad input.

    \b
    Examples:
      codegen-ast regenerate out/node_orders_effect
      codegen-ast regenerate out/node_orders_effect --diff
      codegen-ast regenerate out/node_orders_effect/handlers --check --diff
      codegen-ast regenerate out/node_orders_effect --spec examples/orders_effect.yaml
    """
    roots = list(dict.fromkeys(find_package(path) for path in paths))
    if spec_file is not None and len(roots) != 1:
        raise click.UsageError("--spec goes with exactly one package")
    writing = not (check or diff or dry_run)
    level = run.level(level)
    python = run.python(python)
    results: list[dict[str, Any]] = []
    exit_code = 0
    with Progress(run, "regenerate", len(roots)) as progress:
        for root in roots:
            shown = _shown(root)
            with progress.item(str(shown)):
                result, code = _one(root, shown, spec_file, run, writing=writing, check=check, diff=diff,
                                    dry_run=dry_run, level=level, python=python)
            results.append(result)
            exit_code = max(exit_code, code)
    if run.output_format == "json":
        run.out(json.dumps(results, indent=2))
    sys.exit(exit_code)


def _one(root: Path, shown: Path, spec_file: Path | None, run: Run, *, writing: bool, check: bool, diff: bool,
         dry_run: bool, level: str, python: str | None) -> tuple[dict[str, Any], int]:
    if writing:
        with package_lock(root, on_wait=lambda lock: run.info(f"waiting for another codegen-ast run on {shown}")):
            plan = plan_regeneration(root, spec_file=spec_file)
            changed = apply_regeneration(plan)
    else:
        plan = plan_regeneration(root, spec_file=spec_file)
        changed = plan.changed()
    found = _diagnostics(plan, shown)
    if diff:
        run.diff(_diff(plan, shown))
    exit_code = 1 if found or (check and changed) else 0
    report = None
    if writing and not found and level != "none":
        from codegen_ast.validate import validate

        report = validate([root], level=level, python=python, display_root=root.parent)
        found += report_diagnostics(report)
        if not report.passed:
            exit_code = 1
    if run.output_format != "json":
        run.diagnostics(found)
        for note in plan.notes:
            run.note(f"{shown}: {note}")
        for file in plan.files:
            if file.note and file.action != "conflict":
                run.note(f"{(shown / file.path).as_posix()}: {file.note}")
        _summary(run, plan, shown, changed, writing=writing, dry_run=dry_run, report=report)
    result = {
        "package": str(shown),
        "spec": plan.spec_source,
        "changed": changed,
        **{action: plan.by_action(action) for action in ("added", "replaced", "merged", "kept", "removed")},
        "conflicts": [item.as_dict() for item in found if item.code in (CONFLICT, UNRESOLVED)],
        "notes": plan.notes + [f"{file.path}: {file.note}" for file in plan.files if file.note],
        "validation": None if report is None else report.as_dict(),
    }
    return result, exit_code


def _summary(run: Run, plan: Regeneration, shown: Path, changed: list[str], *, writing: bool, dry_run: bool,
             report: object) -> None:
    if dry_run and not run.quiet:
        for relative in changed:
            run.out(f"would change {(shown / relative).as_posix()}")
    verb = "updated" if writing else "would update"
    if not changed:
        run.info(f"{shown}: up to date")
        return
    merged, kept = plan.by_action("merged"), plan.by_action("kept")
    conflicts = plan.conflicts
    run.info(
        f"{verb} {shown}: {len(changed)} files changed, {len(merged) + len(conflicts)} merged with your edits"
        + (f" ({len(conflicts)} with conflicts)" if conflicts else "")
        + f", {len(kept)} kept as yours"
    )
    if writing and not conflicts:
        run.detail(f"validated {shown}")

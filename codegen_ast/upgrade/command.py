"""``codegen-ast upgrade``: add the missing production patterns to existing nodes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from codegen_ast.commands.common import EXIT_FINDINGS, Diagnostic, Progress, Run, read_stdin, shared_options
from codegen_ast.commands.output import text_diff
from codegen_ast.locking import package_lock
from codegen_ast.upgrade.concerns import CONCERNS, parse_concerns
from codegen_ast.upgrade.engine import UpgradeResult
from codegen_ast.upgrade.files import FileUpgrade, upgrade_files, write
from codegen_ast.upgrade.migrate_command import migrate_command

LEFT_ALONE = "UPG001"
STDIN = "-"


def _report(item: FileUpgrade, run: Run, *, check: bool, diff: bool, writing: bool) -> None:
    result = item.result
    if diff and result.changed:
        run.diff(text_diff(result.original, result.source, str(item.path)))
    if diff and item.contract is not None and item.contract.changed:
        run.diff(text_diff(item.contract.original, item.contract.text, str(item.contract.path)))
    if not run.quiet and item.changed and (check or writing):
        added = [line for node in result.nodes for line in node.added]
        run.out(f"{'upgraded' if writing else 'would upgrade'} {item.path} ({len(added)} additions)")
        for line in added:
            run.detail(f"  {line}")
    _patterns(str(item.path), result, run)
    for note in result.notes:
        run.note(f"{item.path}: {note}")
    if item.contract is not None:
        for problem in item.contract.left:
            run.note(f"{item.contract.path}: not fixed: {problem}")


def _patterns(path: str, result: UpgradeResult, run: Run) -> None:
    """Per node class: the patterns applied, and each one skipped with why."""
    for node in result.nodes:
        run.info(f"{path}: {node.class_name}: applied {', '.join(node.concerns) or 'nothing'}")
        for skip in node.skipped:
            run.info(f"{path}: {node.class_name}: skipped {skip.concern}: {skip.reason}")


def _as_dict(item: FileUpgrade) -> dict[str, object]:
    result = item.result
    return {
        "path": str(item.path),
        "changed": item.changed,
        "nodes": [node.as_dict() for node in result.nodes],
        "additions": [line for node in result.nodes for line in node.added],
        "notes": list(result.notes),
        "left_alone": result.error,
    }


def _lock_folder(path: Path) -> Path:
    from codegen_ast.regenerate import enclosing_package

    return enclosing_package(path) or path.resolve().parent


def _stdin(concerns: list[str] | None, run: Run, *, check: bool, diff: bool) -> None:
    """`upgrade -`: the source on standard input, the upgraded source on standard output (as black does)."""
    from codegen_ast.upgrade import upgrade

    text = read_stdin()
    result = upgrade(text, add=concerns)
    if result.error is not None:
        run.diagnostics([Diagnostic(STDIN, 1, 1, LEFT_ALONE, f"left alone: {result.error}")])
        if not (check or diff):
            run.out(text, nl=False)
        sys.exit(EXIT_FINDINGS)
    if diff and result.changed:
        run.diff(text_diff(result.original, result.source, STDIN))
    if not (check or diff):
        run.out(result.source, nl=False)
    _patterns(STDIN, result, run)
    for note in result.notes:
        run.note(f"{STDIN}: {note}")
    sys.exit(EXIT_FINDINGS if check and result.changed else 0)


@click.command("upgrade")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path, allow_dash=True))
@click.option(
    "--add",
    metavar="CONCERNS",
    default=None,
    help="Comma-separated concerns to add (default: every applicable one; errors, which changes the "
    "exceptions callers see, only when named): " + ", ".join(CONCERNS) + ".",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when an upgrade is due (CI, pre-commit).")
@click.option("--diff", is_flag=True, help="Write nothing; show what would change (what a bare run does).")
@click.option("--write", "write_files", is_flag=True, help="Write the upgraded files in place.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Files upgraded in parallel.")
@click.option(
    "--python",
    metavar="PATH",
    default=None,
    help="Interpreter with omnibase-core, to check an adopted scaffold's contract.yaml "
    "(default: [tool.codegen-ast] python, else this one).",
)
@click.option(
    "--to",
    "shape",
    type=click.Choice(["declarative"]),
    default=None,
    help="Migrate each node whose process() routes by operation to the declarative shape: a shell, a "
    "handler per operation, handler_routing in its contract (models kept); a node it cannot move "
    "safely is left unchanged, with the reason (UPG002). A package codegen-ast generated (a "
    "codegen-manifest.json beside node.py, at or below PATH) is generated again in that shape from its manifest's spec; "
    "an edited handle() body is carried into the new handler when the package then passes strict validation "
    "(checked with --python); any other edited generated file stops it: nothing is written (UPG002 names the files).",
)
@shared_options(output_formats=("text", "json", "github"), exclude=True)
def upgrade_command(
    paths: tuple[Path, ...],
    add: str | None,
    shape: str | None,
    check: bool,
    diff: bool,
    write_files: bool,
    jobs: int,
    python: str | None,
    run: Run,
) -> None:
    """Add the production patterns existing nodes lack, in place.

    Finds the node classes below PATH (subclasses of omnibase-core's node bases
    and wrappers, older nodes written for earlier framework versions, the
    `onex new node` stub) and adds what is missing — imports, __init__
    attributes, health checks, lifecycle, metrics around process(), error
    mapping, events — matched by name. A pattern is added only when everything
    it calls is proven there (in the class, in a base read through the imports,
    or brought by the pattern) with the same sync/async nature, never beside
    the node's own client or registration; otherwise it is skipped, and each
    file's applied and skipped patterns are listed with the reason. User code
    is never deleted or reordered; a file that does not parse, or whose upgrade would not
    compile, is left alone and reported (path:1:1: UPG001). A second run
    changes nothing. Folder walks leave out what git ignores and --exclude.
    `-` reads a source from standard input and writes the upgraded source to
    standard output.

    A bare run shows the diff. --check and --diff write nothing and combine;
    --write writes. Exit status: 0 nothing due (or written), 1 an upgrade is
    due (--check) or a file was left alone, 2 bad input.

    \b
    Examples:
      codegen-ast upgrade src/nodes                      # show the diff
      codegen-ast upgrade src/nodes --add health,metrics --write
      codegen-ast upgrade src/nodes --write -j 2
      codegen-ast upgrade src/nodes --check              # exit 1 while an upgrade is due
      codegen-ast upgrade src/nodes --to declarative     # show the migration to the declarative shape
    """
    if write_files and (check or diff):
        raise click.UsageError("--write writes; --check and --diff write nothing: give one or the other")
    concerns = parse_concerns(add)
    added = None if concerns is None else sorted(concerns)
    if STDIN in map(str, paths):
        if len(paths) != 1:
            raise click.UsageError("- (standard input) goes alone")
        _stdin(added, run, check=check, diff=diff)
    diff = diff or not (check or write_files)
    if shape == "declarative":
        if added is not None:
            raise click.UsageError("--to declarative moves a node as it is: it takes no --add")
        migrate_command(paths, run, check=check, diff=diff, write=write_files, python=run.python(python))
    with Progress(run, "upgrade", 1) as progress, progress.item(", ".join(map(str, paths))):
        results = upgrade_files(paths, add=added, jobs=jobs, python=run.python(python), excludes=run.excludes)
    left_alone = [Diagnostic(str(item.path), 1, 1, LEFT_ALONE, f"left alone: {item.result.error}")
                  for item in results if item.result.error is not None]
    for item in results:
        if run.output_format != "json":
            _report(item, run, check=check, diff=diff, writing=write_files)
        if write_files and item.changed:
            with package_lock(_lock_folder(item.path)):
                write(item)
    if run.output_format == "json":
        run.out(json.dumps([_as_dict(item) for item in results], indent=2))
    else:
        run.diagnostics(left_alone)
    due = [item for item in results if item.changed]
    summary = f"{len(results)} files, {len(due)} {'upgraded' if write_files else 'to upgrade'}"
    run.info(summary + (f", {len(left_alone)} left alone" if left_alone else ""))
    sys.exit(EXIT_FINDINGS if left_alone or (check and due) else 0)

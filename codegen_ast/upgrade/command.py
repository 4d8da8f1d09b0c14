"""``codegen-ast upgrade``: add the missing production patterns to existing nodes."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from codegen_ast.upgrade.concerns import CONCERNS, parse_concerns
from codegen_ast.upgrade.files import FileUpgrade, upgrade_files, write

EXIT_DUE = 1
EXIT_LEFT_ALONE = 2


def _diff(path: Path, before: str, after: str) -> str:
    shown = str(path)
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{shown}", f"b/{shown}"
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _report(item: FileUpgrade, mode: str, quiet: bool) -> None:
    result = item.result
    if result.error is not None:
        click.echo(f"error: {item.path}: {result.error}", err=True)
        return
    if mode == "diff" and result.changed:
        click.echo(_diff(item.path, result.original, result.source), nl=False)
    if mode == "diff" and item.contract is not None and item.contract.changed:
        click.echo(_diff(item.contract.path, item.contract.original, item.contract.text), nl=False)
    if not quiet and item.changed:
        added = [line for node in result.nodes for line in node.added]
        verb = {"check": "would upgrade", "write": "upgraded"}.get(mode)
        if verb:
            click.echo(f"{verb} {item.path} ({len(added)} additions)")
    for note in result.notes:
        click.echo(f"note: {item.path}: {note}", err=True)
    if item.contract is not None:
        for problem in item.contract.left:
            click.echo(f"note: {item.contract.path}: not fixed: {problem}", err=True)


@click.command("upgrade")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--add",
    metavar="CONCERNS",
    default=None,
    help="Comma-separated concerns to add (default: every applicable one): " + ", ".join(CONCERNS) + ".",
)
@click.option("--diff", "mode", flag_value="diff", default=True, help="Show what would change; write nothing (default).")
@click.option("--check", "mode", flag_value="check", help="Exit 1 when an upgrade is due; write nothing (CI, pre-commit).")
@click.option("--write", "mode", flag_value="write", help="Write the upgraded files in place.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Files upgraded in parallel.")
@click.option(
    "--python",
    metavar="PATH",
    default=None,
    help="Interpreter with omnibase-core, to check an adopted scaffold's contract.yaml (default: this one).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only diffs, notes and errors.")
@click.pass_context
def upgrade_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    add: str | None,
    mode: str,
    jobs: int,
    python: str | None,
    quiet: bool,
) -> None:
    """Add the production patterns existing nodes lack, in place.

    Finds the node classes below PATH (subclasses of omnibase-core's node bases
    and wrappers, older seed-style nodes, the `onex new node` stub) and adds
    what is missing — imports, __init__ attributes, health checks, lifecycle,
    metrics around process(), error mapping, events — matched by name. User
    code is never deleted, reordered or reformatted; a file that does not parse,
    or whose upgrade would not compile, is reported and left alone. A second
    run changes nothing.

    Exit status: 0 nothing due (or written), 1 (--check) an upgrade is due,
    2 a file was left alone.

    \b
    Examples:
      codegen-ast upgrade src/nodes                      # show the diff
      codegen-ast upgrade src/nodes --add health,metrics --write
      codegen-ast upgrade src/nodes --write -j 2
      codegen-ast upgrade src/nodes --check              # exit 1 while an upgrade is due
    """
    concerns = parse_concerns(add)
    results = upgrade_files(paths, add=None if concerns is None else sorted(concerns), jobs=jobs, python=python)
    for item in results:
        _report(item, mode, quiet)
        if mode == "write" and item.changed:
            write(item)
    due = [item for item in results if item.changed]
    failed = [item for item in results if item.result.error is not None]
    if not quiet:
        summary = f"{len(results)} files, {len(due)} {'upgraded' if mode == 'write' else 'to upgrade'}"
        click.echo(summary + (f", {len(failed)} left alone" if failed else ""), err=True)
    if failed:
        ctx.exit(EXIT_LEFT_ALONE)
    if mode == "check" and due:
        ctx.exit(EXIT_DUE)

"""The codegen-ast command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from codegen_ast import __version__
from codegen_ast.errors import CodegenError
from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
from codegen_ast.selection import select
from codegen_ast.validate.command import LEVEL_HELP, PYTHON_HELP, check_before_write, validate_command
from codegen_ast.validate.report import LEVELS


class _Group(click.Group):
    """Turn our own errors into a short message and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CodegenError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(error.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="codegen-ast")
def main() -> None:
    """Generate production-grade ONEX nodes as LibCST syntax trees.

    \b
    Examples:
      codegen-ast new examples/orders_effect.yaml -o out/
      codegen-ast explain examples/orders_effect.yaml
    """


@main.command()
@click.argument("spec_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write the package into (created if missing).",
)
@click.option("--force", is_flag=True, help="Replace the package if it already exists.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="standard",
    show_default=True,
    help="Validate the generated files at this level before writing; nothing is written "
    "when they fail. " + LEVEL_HELP,
)
@click.option("--no-validate", is_flag=True, help="Write without validating (same as --level none).")
@click.option("--python", metavar="PATH", default=None, help=PYTHON_HELP)
def new(
    spec_file: Path,
    output_dir: Path,
    force: bool,
    quiet: bool,
    level: str,
    no_validate: bool,
    python: str | None,
) -> None:
    """Write the node package described by SPEC_FILE into OUTPUT.

    The package is built completely in memory, formatted with black, validated
    (--level, default standard), then written atomically as
    OUTPUT/node_<name>_<type>/; nothing is written when the spec is invalid or
    the package fails validation.

    \b
    Examples:
      codegen-ast new examples/orders_effect.yaml -o out/
      codegen-ast new examples/orders_effect.yaml -o out/ --force
      codegen-ast new examples/orders_effect.yaml -o out/ --level strict
      codegen-ast new examples/orders_effect.yaml -o out/ --no-validate
    """
    spec = read_node_spec(spec_file)
    package = generate(spec)
    report = None if no_validate else check_before_write(package, level=level, python=python)
    target = package.write(output_dir, force=force)
    if not quiet:
        click.echo(f"wrote {target} ({len(package.files)} files)")
        for relative in sorted(package.files):
            click.echo(f"  {relative}")
        if report is not None and report.stages:
            completion = report.manual_completion
            click.echo(f"validated at level {level}" + (f"; {completion.describe()}" if completion else ""))


@main.command()
@click.argument("spec_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for tools.",
)
def explain(spec_file: Path, output_format: str) -> None:
    """Show what the selector chooses for SPEC_FILE, and why.

    Prints the base class, the mixins, the detected integrations and the
    production patterns, each with the reason it was chosen.

    \b
    Examples:
      codegen-ast explain examples/orders_effect.yaml
      codegen-ast explain examples/orders_effect.yaml --format json
    """
    import json

    selection = select(read_node_spec(spec_file))
    if output_format == "json":
        click.echo(json.dumps(selection.as_dict(), indent=2))
        return
    click.echo(f"base class:   {selection.base.name}  ({selection.base.module})")
    click.echo(f"mixins:       {', '.join(selection.mixins) or '(those of the base class)'}")
    click.echo(f"integrations: {', '.join(selection.integrations) or 'none'}")
    click.echo(f"patterns:     {', '.join(selection.patterns)}")
    click.echo("decisions:")
    for decision in selection.log:
        click.echo(f"  {decision.topic:<12} {decision.choice:<26} {decision.reason}")


main.add_command(validate_command)

"""The codegen-ast command line: the group, its error handling, its commands."""

from __future__ import annotations

import sys

import click

from codegen_ast import __version__
from codegen_ast.commands.explain import explain_command
from codegen_ast.commands.new import new_command
from codegen_ast.commands.patterns import patterns_command
from codegen_ast.commands.regenerate import regenerate_command
from codegen_ast.errors import CodegenError
from codegen_ast.upgrade.command import upgrade_command
from codegen_ast.validate.command import validate_command


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
      codegen-ast patterns
    """


for command in (
    new_command,
    regenerate_command,
    explain_command,
    patterns_command,
    validate_command,
    upgrade_command,
):
    main.add_command(command)

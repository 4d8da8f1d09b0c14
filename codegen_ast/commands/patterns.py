"""``codegen-ast patterns``: the available production patterns, one line each."""

from __future__ import annotations

import json

import click

from codegen_ast.patterns import pattern_summaries


@click.command("patterns")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people, json for tools.")
def patterns_command(output_format: str) -> None:
    """List the production patterns the generator and `upgrade` can apply.

    \b
    Examples:
      codegen-ast patterns
      codegen-ast patterns --format json
    """
    summaries = pattern_summaries()
    if output_format == "json":
        click.echo(json.dumps(summaries, indent=2))
        return
    width = max(map(len, summaries))
    for name, summary in summaries.items():
        click.echo(f"{name:<{width}}  {summary}")

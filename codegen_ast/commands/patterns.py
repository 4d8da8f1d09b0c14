"""``codegen-ast patterns``: the pattern registry, one line per pattern."""

from __future__ import annotations

import json

import click

from codegen_ast.patterns.registry import REGISTRY


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
    summaries = {pattern.name.value: pattern.summary for pattern in REGISTRY}
    if output_format == "json":
        click.echo(json.dumps(summaries, indent=2))
        return
    width = max(map(len, summaries))
    for name, summary in summaries.items():
        click.echo(f"{name:<{width}}  {summary}")

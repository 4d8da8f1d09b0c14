"""``codegen-ast patterns``: the pattern registry, one line per pattern."""

from __future__ import annotations

import json

import click

from codegen_ast.commands.common import Run, shared_options
from codegen_ast.patterns.registry import REGISTRY


@click.command("patterns")
@shared_options(output_formats=("text", "json"))
def patterns_command(run: Run) -> None:
    """List the production patterns the generator and `upgrade` can apply.

    \b
    Examples:
      codegen-ast patterns
      codegen-ast patterns --format json
    """
    summaries = {pattern.name.value: pattern.summary for pattern in REGISTRY}
    if run.output_format == "json":
        run.out(json.dumps(summaries, indent=2))
        return
    width = max(map(len, summaries))
    for name, summary in summaries.items():
        run.out(f"{run.style(f'{name:<{width}}', bold=True)}  {summary}")

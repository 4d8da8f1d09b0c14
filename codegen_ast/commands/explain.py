"""``codegen-ast explain``: what the selector chooses for a spec, and why."""

from __future__ import annotations

import json
from pathlib import Path

import click

from codegen_ast.commands.common import Run, shared_options
from codegen_ast.readers import read_spec
from codegen_ast.selection import select


@click.command("explain")
@click.argument("spec_file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@shared_options(output_formats=("text", "json"))
def explain_command(spec_file: Path, run: Run) -> None:
    """Show what the selector chooses for SPEC_FILE, and why.

    Prints the variant (a pattern profile: database, api, kafka, ml,
    analytics, workflow), the base class, the mixins, the detected
    integrations and the production patterns, each with the reason it was
    chosen. `-` reads the spec from standard input.

    \b
    Examples:
      codegen-ast explain examples/orders_effect.yaml
      codegen-ast explain examples/orders_effect.yaml --format json
      codegen-ast explain - < examples/orders_effect.yaml
    """
    if str(spec_file) == "-":
        from codegen_ast.commands.new import read_stdin_spec

        read = read_stdin_spec()
    else:
        read = read_spec(spec_file)
    for warning in read.warnings:
        run.warning(str(warning))
    selection = select(read.spec)
    if run.output_format == "json":
        run.out(json.dumps(selection.as_dict(), indent=2))
        return
    run.out(f"variant:      {selection.variant or 'none (the plain ' + selection.node_type + ' node)'}")
    run.out(f"base class:   {selection.base.name}  ({selection.base.module})")
    run.out(f"mixins:       {', '.join(selection.mixins) or '(those of the base class)'}")
    run.out(f"integrations: {', '.join(selection.integrations) or 'none'}")
    run.out(f"patterns:     {', '.join(selection.patterns)}")
    if run.quiet:
        return
    run.out("decisions:")
    for decision in selection.log:
        run.out(f"  {decision.topic:<12} {decision.choice:<26} {decision.reason}")

"""``codegen-ast explain``: what the selector chooses for a spec, and why."""

from __future__ import annotations

import json
from pathlib import Path

import click

from codegen_ast.readers import read_spec
from codegen_ast.selection import select
from codegen_ast.spec import NODE_TYPES


@click.command("explain")
@click.argument("spec_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--type", "node_type", type=click.Choice(NODE_TYPES),
              help="The node type, for a spec that does not give one (else it is inferred).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people, json for tools.")
def explain_command(spec_file: Path, node_type: str | None, output_format: str) -> None:
    """Show what the selector chooses for SPEC_FILE, and why.

    Prints the node type (and, when the spec does not give it, why it was
    inferred), the variant (a pattern profile: database, api, kafka, ml,
    analytics, workflow), the base class, the mixins, the detected
    integrations and the production patterns, each with the reason it was
    chosen. An ambiguous node type stops with exit code 2 and the candidates.

    \b
    Examples:
      codegen-ast explain examples/orders_effect.yaml
      codegen-ast explain examples/orders_effect.yaml --format json
    """
    read = read_spec(spec_file, node_type)
    selection = select(read.spec)
    classification = read.classification
    if output_format == "json":
        data = selection.as_dict()
        if classification is not None:
            data["node_type_source"] = classification.as_dict()
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"node type:    {classification.describe() if classification else selection.node_type}")
    click.echo(f"variant:      {selection.variant or 'none (the plain ' + selection.node_type + ' node)'}")
    click.echo(f"base class:   {selection.base.name}  ({selection.base.module})")
    click.echo(f"mixins:       {', '.join(selection.mixins) or '(those of the base class)'}")
    click.echo(f"integrations: {', '.join(selection.integrations) or 'none'}")
    click.echo(f"patterns:     {', '.join(selection.patterns)}")
    click.echo("decisions:")
    for decision in selection.log:
        click.echo(f"  {decision.topic:<12} {decision.choice:<26} {decision.reason}")

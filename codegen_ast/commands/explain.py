"""``codegen-ast explain``: what the selector chooses for a spec, and why."""

from __future__ import annotations

import json
from pathlib import Path

import click

from codegen_ast.commands.common import Run, shared_options
from codegen_ast.decisions import SERVICE_FIX, service_fix, shell_base
from codegen_ast.readers import read_spec
from codegen_ast.readers.overrides import HELP as OVERRIDE_HELP
from codegen_ast.selection import select
from codegen_ast.spec import NODE_TYPES


@click.command("explain")
@click.argument("spec_file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option("--type", "node_type", type=click.Choice(NODE_TYPES),
              help="The node type, for a spec that does not give one (else it is inferred).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=OVERRIDE_HELP)
@shared_options(output_formats=("text", "json"))
def explain_command(spec_file: Path, node_type: str | None, run: Run, overrides: tuple[str, ...] = ()) -> None:
    """Show what the selector chooses for SPEC_FILE, and why.

    Prints the node type (and, when the spec does not give it, why it was
    inferred), the variant (a pattern profile: database, api, kafka, ml,
    analytics, workflow), the base class, the base of the declarative shell
    (the service wrapper only for a node declared as a long-lived service:
    MixinNodeService in mixins), the mixins, the detected
    integrations and the production patterns, each with the reason it was
    chosen. An ambiguous node type stops with exit code 2 and the candidates.
    `-` reads the spec from standard input.

    \b
    Examples:
      codegen-ast explain examples/orders_effect.yaml
      codegen-ast explain examples/orders_effect.yaml --format json
      codegen-ast explain - < examples/orders_effect.yaml
    """
    if str(spec_file) == "-":
        from codegen_ast.commands.new import read_stdin_spec

        read = read_stdin_spec(node_type, overrides)
    else:
        read = read_spec(spec_file, node_type, overrides)
    for warning in read.warnings:
        run.warning(str(warning))
    selection = select(read.spec)
    shell, shell_decision = shell_base(read.spec.node_type, read.spec.mixins)
    classification = read.classification
    if run.output_format == "json":
        data = selection.as_dict()
        data["shell_base"] = f"{shell.module}.{shell.name}"
        if service_fix(read.spec.node_type, read.spec.mixins):
            data["shell_fix_base"] = f"{SERVICE_FIX.module}.{SERVICE_FIX.name}"
        data["log"] = [decision._asdict() for decision in (shell_decision, *selection.log)]
        if classification is not None:
            data["node_type_source"] = classification.as_dict()
        if read.spec.kept:
            data["kept_not_acted_on"] = list(read.spec.kept)
        run.out(json.dumps(data, indent=2))
        return
    run.out(f"node type:    {classification.describe() if classification else selection.node_type}")
    run.out(f"variant:      {selection.variant or 'none (the plain ' + selection.node_type + ' node)'}")
    run.out(f"base class:   {selection.base.name}  ({selection.base.module})")
    fix = f", then {SERVICE_FIX.name}  ({SERVICE_FIX.module})" if service_fix(read.spec.node_type, read.spec.mixins) else ""
    run.out(f"shell base:   {shell.name}  ({shell.module}){fix}")
    run.out(f"mixins:       {', '.join(selection.mixins) or '(those of the base class)'}")
    run.out(f"integrations: {', '.join(selection.integrations) or 'none'}")
    run.out(f"patterns:     {', '.join(selection.patterns)}")
    if read.spec.kept:
        run.out(f"kept:         {', '.join(read.spec.kept)} (kept, not acted on: carried unchanged into contract.yaml)")
    if run.quiet:
        return
    run.out("decisions:")
    for decision in (shell_decision, *selection.log):
        run.out(f"  {decision.topic:<12} {decision.choice:<26} {decision.reason}")

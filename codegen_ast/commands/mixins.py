"""``codegen-ast mixins``: every omnibase-core mixin, by category, and how it reaches a node."""

from __future__ import annotations

import json

import click

from codegen_ast.commands.common import Run, shared_options
from codegen_ast.target.catalogue import (
    BY_NAME, CATALOGUE, CLASHES, NODE_TYPES, MixinInfo, code_evidence, pair_verdicts,
)


def _types(node_types: tuple[str, ...]) -> str:
    return "every node type" if len(node_types) == len(NODE_TYPES) else "/".join(node_types)


def _how(info: MixinInfo) -> str:
    if info.use == "base":
        provided = f"; in the {_types(info.provided_by)} base already" if info.provided_by else ""
        return f"a base for {_types(info.node_types)}{provided}"
    if info.use == "provided":
        return f"in the {_types(info.provided_by)} base already"
    if info.use == "registry":
        return "held by the node: the discovery feature"
    return "refused"


@click.command("mixins")
@click.argument("names", nargs=-1)
@click.option("--why", is_flag=True, help="Also print what each one requires, or why it is refused, and the framework's code that shows it.")
@click.option("--pairs", is_flag=True, help="Print the compatibility matrix: every pair, allowed or refused, by node type.")
@shared_options(output_formats=("text", "json"))
def mixins_command(names: tuple[str, ...], why: bool, pairs: bool, run: Run) -> None:
    """List omnibase-core's mixins by category: what each gives, and how it reaches a node.

    A mixin is a base of the node class (its requirements resolved), provided
    by the node base class already, held by the node as an object, or refused
    with the framework's reason. Name mixins to see only those (with --why):
    each reason comes with the framework's code that shows it (a line of its
    module, the error creating a node raises, an abstract method).

    \b
    Examples:
      codegen-ast mixins
      codegen-ast mixins MixinDiscoveryResponder MixinCLIHandler --why
      codegen-ast mixins --pairs
      codegen-ast mixins --format json
    """
    unknown = [name for name in names if name not in BY_NAME]
    if unknown:
        raise click.BadParameter(f"no mixin {', '.join(unknown)} in omnibase-core 0.47.57: see `codegen-ast mixins`",
                                 param_hint="NAMES")
    chosen = [BY_NAME[name] for name in names] if names else list(CATALOGUE)
    if pairs:
        verdicts = pair_verdicts()
        if run.output_format == "json":
            run.out(json.dumps([v.as_dict() for v in verdicts], indent=2))
            return
        allowed = [v for v in verdicts if v.allowed]
        run.out(f"{len(verdicts)} pairs over {len({v.node_type for v in verdicts})} node types: "
                   f"{len(allowed)} allowed, {len(verdicts) - len(allowed)} refused")
        refused: dict[tuple[str, str, str], list[str]] = {}
        for verdict in verdicts:
            if not verdict.allowed:
                refused.setdefault((verdict.first, verdict.second, verdict.reason), []).append(verdict.node_type)
        for (first, second, reason), node_types in refused.items():
            run.out(f"refused: {first} + {second} ({_types(tuple(node_types))}): {reason}")
        return
    if run.output_format == "json":
        run.out(json.dumps([_as_dict(info) for info in chosen], indent=2))
        return
    categories = sorted({info.category for info in chosen})
    width = max(len(info.name) for info in chosen)
    for category in categories:
        run.out(run.style(f"{category}:", bold=True))
        for info in (i for i in chosen if i.category == category):
            run.out(f"  {info.name:<{width}}  {info.gives} [{_how(info)}]")
            if why or names:
                for label, text in (("needs", info.requires), ("why" if info.use == "refused" else "note", info.reason)):
                    if text:
                        run.out(f"  {'':<{width}}  {label}: {text}")
                for piece in code_evidence(info):
                    run.out(f"  {'':<{width}}  code: {piece.describe()}")


def _as_dict(info: MixinInfo) -> dict[str, object]:
    return {
        "name": info.name, "module": info.module, "category": info.category, "gives": info.gives, "use": info.use,
        "node_types": list(info.node_types), "provided_by": list(info.provided_by), "requires": info.requires,
        "reason": info.reason, "evidence": [piece.as_dict() for piece in code_evidence(info)], "clashes": sorted(next(iter(pair - {info.name})) for pair in CLASHES if info.name in pair),
    }

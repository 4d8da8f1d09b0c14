"""Every rule of every stage, by id."""

from __future__ import annotations

from codegen_ast.validate import (
    completeness,
    declarative,
    import_check,
    imports,
    routing,
    security,
    structure,
    syntax,
    typecheck,
)
from codegen_ast.validate.rules import Rule

RULES: dict[str, Rule] = {
    item.id: item
    for module in (syntax, structure, routing, declarative, imports, import_check, security, completeness, typecheck)
    for item in module.RULES
}


def rule(rule_id: str) -> Rule:
    """The rule with id ``rule_id`` (KeyError when there is none)."""
    return RULES[rule_id]

"""Constant code: definitions that take no spec data, kept as real Python.

The modules of :mod:`codegen_ast.support` are ordinary, type-checked Python
(``mypy --strict`` with the rest of codegen_ast) and tested directly. A
pattern takes a definition from one of them -- a function, a class, or a
method of a class -- as a libcst node and splices it into the tree it builds.
The text parsed is always one of those files, read whole: no value from a spec
ever enters it (the modules are named by :class:`SupportModule`, not by a
string), and everything that comes from a spec is still built with builders.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import cast

import libcst as cst

SUPPORT = Path(__file__).resolve().parent.parent / "support"


class SupportModule(StrEnum):
    """The modules of codegen_ast/support/, one concern each."""

    SAGA = "saga"
    HTTP_API = "http_api"
    EVENTS = "events"
    DISCOVERY = "discovery"
    ONEX_DISCOVERY = "onex_support/discovery"  # one responder for both shapes
    ONEX_SERVICE_MODE = "onex_support/service_mode"  # one publish_event fix for both shapes


@cache
def _parsed(module: SupportModule) -> cst.Module:
    return cst.parse_module((SUPPORT / f"{module.value}.py").read_text(encoding="utf-8"))


def _spliceable[Definition: cst.FunctionDef | cst.ClassDef | cst.SimpleStatementLine](node: Definition) -> Definition:
    """The definition without the blank lines above it (comments stay)."""
    kept = [line for line in node.leading_lines if line.comment is not None]
    return node if len(kept) == len(node.leading_lines) else cast(Definition, node.with_changes(leading_lines=kept))


def _top_level(module: SupportModule, name: str) -> cst.FunctionDef | cst.ClassDef:
    for statement in _parsed(module).body:
        if isinstance(statement, cst.FunctionDef | cst.ClassDef) and statement.name.value == name:
            return _spliceable(statement)
    raise LookupError(f"codegen_ast/support/{module.value}.py defines no {name}")


def function(module: SupportModule, name: str) -> cst.FunctionDef:
    """The module-level function ``name`` of ``module``."""
    found = _top_level(module, name)
    if not isinstance(found, cst.FunctionDef):
        raise LookupError(f"{name} in codegen_ast/support/{module.value}.py is not a function")
    return found


def class_(module: SupportModule, name: str) -> cst.ClassDef:
    """The class ``name`` of ``module``."""
    found = _top_level(module, name)
    if not isinstance(found, cst.ClassDef):
        raise LookupError(f"{name} in codegen_ast/support/{module.value}.py is not a class")
    return found


def statement(module: SupportModule, name: str) -> cst.SimpleStatementLine:
    """The module-level assignment to ``name`` in ``module`` (a constant)."""
    for line in _parsed(module).body:
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
            small = line.body[0]
            targets = (
                [target.target for target in small.targets]
                if isinstance(small, cst.Assign)
                else [small.target] if isinstance(small, cst.AnnAssign) else []
            )
            if any(isinstance(target, cst.Name) and target.value == name for target in targets):
                return _spliceable(line)
    raise LookupError(f"codegen_ast/support/{module.value}.py assigns no {name}")


def method(module: SupportModule, owner: str, name: str) -> cst.FunctionDef:
    """The method ``name`` of class ``owner`` in ``module``."""
    for statement in class_(module, owner).body.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return _spliceable(statement)
    raise LookupError(f"{owner} in codegen_ast/support/{module.value}.py has no method {name}")

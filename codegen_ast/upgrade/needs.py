"""What inserted code calls on ``self``, and whether the class can answer.

A pattern's contribution is read with Python's own parser: every ``self.<name>``
it reads, called with ``await`` ("async"), called without ("sync"), or read as
a value ("attribute"); every ``super().<name>(...)`` likewise. What the
contribution defines itself (its methods, the ``self.x`` it assigns) needs
nothing. The rest must be on the class's :class:`~codegen_ast.upgrade.surface.Surface`
(or come from a pattern applied before it), with the same sync/async nature.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

import libcst as cst

from codegen_ast.patterns.contribution import Contribution
from codegen_ast.upgrade.formatting import code_of
from codegen_ast.upgrade.surface import Member, Surface


@dataclass(frozen=True)
class Use:
    name: str
    how: str  # "async" (awaited call), "sync" (plain call) or "attribute"
    through_super: bool = False


@dataclass
class Needs:
    uses: list[Use] = field(default_factory=list)
    defines: dict[str, str] = field(default_factory=dict)  # name -> "sync" | "async" | "attribute"


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _is_super_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


class _Reader(ast.NodeVisitor):
    def __init__(self, needs: Needs) -> None:
        self.needs = needs
        self.awaited: set[int] = set()
        self.called: set[int] = set()

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.ctx, ast.Load) and (_is_self(node.value) or _is_super_call(node.value)):
            if id(node) in self.awaited:
                how = "async"
            elif id(node) in self.called:
                how = "sync"
            else:
                how = "attribute"
            self.needs.uses.append(Use(node.attr, how, _is_super_call(node.value)))
        elif isinstance(node.ctx, ast.Store) and _is_self(node.value):
            self.needs.defines.setdefault(node.attr, "attribute")
        self.generic_visit(node)


def contribution_code(contribution: Contribution) -> list[cst.CSTNode]:
    return [*contribution.methods, *contribution.init_statements, *contribution.module_statements]


def read_needs(nodes: Iterable[cst.CSTNode], defines: Iterable[cst.FunctionDef] = ()) -> Needs:
    needs = Needs()
    for method in defines:
        needs.defines[method.name.value] = "async" if method.asynchronous is not None else "sync"
    for node in nodes:
        tree = ast.parse(code_of(node).strip("\n") + "\n")
        reader = _Reader(needs)  # which calls are awaited is known before the attributes are read
        for item in ast.walk(tree):
            if isinstance(item, ast.Await) and isinstance(item.value, ast.Call):
                reader.awaited.add(id(item.value.func))
            if isinstance(item, ast.Call):
                reader.called.add(id(item.func))
        reader.visit(tree)
    return needs


def needs_of(*contributions: Contribution) -> Needs:
    """What the contributions, taken together, need and define."""
    code = [node for contribution in contributions for node in contribution_code(contribution)]
    return read_needs(code, [method for contribution in contributions for method in contribution.methods])


def unmet(needs: Needs, surface: Surface, provided: dict[str, str], *, overrides: Iterable[str] = ()) -> str | None:
    """Why ``needs`` cannot be met on ``surface`` (plus what earlier patterns
    ``provided``), or None when every use is proven. ``overrides`` are the
    methods the pattern adds that replace the class's own (their ``super()``
    calls reach the class's bases)."""
    replaced = set(overrides)
    for use in needs.uses:
        if use.through_super:
            member = surface.inherited.get(use.name) if use.name in replaced else surface.members.get(use.name)
            if member is None:
                if surface.open:
                    return f"super().{use.name}() cannot be proven: the base {surface.open[0]} could not be read"
                return f"super().{use.name}() is not defined by any base"
            problem = _mismatch(use, member)
            if problem:
                return problem
            continue
        if use.name in needs.defines:
            continue
        if use.name in provided:
            kind = provided[use.name]
            problem = _mismatch(use, Member(kind, "an earlier pattern", False))
            if problem:
                return problem
            continue
        member = surface.members.get(use.name)
        if member is None:
            if surface.open:
                return (
                    f"it calls self.{use.name}, which neither the class nor a base it can read defines "
                    f"(the base {surface.open[0]} could not be read)"
                )
            return f"it calls self.{use.name}, which neither the class nor its bases define"
        problem = _mismatch(use, member)
        if problem:
            return problem
    return None


def _mismatch(use: Use, member: Member) -> str | None:
    where = member.owner.rsplit(".", 1)[-1]
    prefix = "super()" if use.through_super else "self"
    if use.how == "async" and member.kind == "sync":
        return f"it awaits {prefix}.{use.name}(), but {where}.{use.name}() is synchronous"
    if use.how == "sync" and member.kind == "async":
        return f"it calls {prefix}.{use.name}() without await, but {where}.{use.name}() is async"
    return None


def override_conflict(method: cst.FunctionDef, surface: Surface) -> str | None:
    """An added method replacing an inherited one of the other sync/async nature."""
    member = surface.inherited.get(method.name.value)
    mine = "async" if method.asynchronous is not None else "sync"
    if member is not None and member.kind in ("sync", "async") and member.kind != mine:
        where = member.owner.rsplit(".", 1)[-1]
        return f"its {mine} {method.name.value}() would override the {member.kind} {where}.{method.name.value}()"
    return None

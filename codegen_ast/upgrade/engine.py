"""``upgrade(source, add=...)``: parse, plan, merge, verify — one file in memory.

Phases (timed for benchmarks/upgrade.py): ``parse`` (libcst), ``transform``
(inference, pattern contributions, merging into the tree), ``format`` (black
on the inserted nodes, rendering the module), ``verify`` (the result compiles
and keeps every original statement). A source that does not parse, or whose
upgrade would not compile or would lose a statement, comes back unchanged with
``error`` set.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.errors import CodegenError
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.spec import NodeSpec
from codegen_ast.upgrade.concerns import parse_concerns
from codegen_ast.upgrade.formatting import PhaseTimer
from codegen_ast.upgrade.infer import SourceFacts, infer_context, infer_spec
from codegen_ast.upgrade.additions import ClassPlan, ImportConflict, merge_class
from codegen_ast.upgrade.nodes import NodeClass, find_handler_classes, find_node_classes
from codegen_ast.upgrade.plan import Outcome, Skip, build_plan
from codegen_ast.upgrade.preserve import lost_statements
from codegen_ast.upgrade.surface import Resolver, class_surface


class UpgradeError(CodegenError):
    """A source the upgrade leaves alone: it does not parse, or its upgrade
    would not compile or would lose a statement."""

    exit_code = 2


@dataclass(frozen=True)
class NodeUpgrade:
    """What the upgrade did to one node class."""

    class_name: str
    spec: NodeSpec  # inferred from the class (its name from the contract beside it)
    concerns: tuple[str, ...]  # the patterns applied (missing parts added)
    added: tuple[str, ...]  # one line per addition, e.g. "method _emit_log()"
    notes: tuple[str, ...]  # what is left for the user to do by hand
    skipped: tuple[Skip, ...] = ()  # the patterns not applied, each with the reason

    def as_dict(self) -> dict[str, object]:
        """For --output-format json."""
        return {
            "class": self.class_name,
            "name": self.spec.name,
            "applied": list(self.concerns),
            "skipped": [{"pattern": skip.concern, "reason": skip.reason} for skip in self.skipped],
            "additions": list(self.added),
        }


@dataclass
class UpgradeResult:
    original: str
    source: str  # the upgraded text (the original when nothing changed or on error)
    nodes: list[NodeUpgrade] = field(default_factory=list)
    error: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.error is None and self.source != self.original

    @property
    def notes(self) -> list[str]:
        return [note for node in self.nodes for note in node.notes]


PlanBuilder = Callable[[cst.Module, NodeClass, cst.ClassDef, SourceFacts], Outcome]


def upgrade(
    source: str,
    *,
    add: str | Iterable[str] | None = None,
    path: Path | None = None,
    name: str | None = None,
    handlers_of: str | None = None,
) -> UpgradeResult:
    """Upgrade every node class of ``source``; never raises for bad input.

    ``path`` is where the source lives: bases imported from modules beside it
    are read from there (without it, only installed packages are). ``name`` is
    the node's name from its contract (without it, from the class name).
    ``handlers_of`` (a node type) says the source is a handler module of a
    declarative node of that type: its handler classes are upgraded.
    """
    requested = parse_concerns(add)
    resolver = Resolver(path)

    def plan(module: cst.Module, node: NodeClass, class_def: cst.ClassDef, facts: SourceFacts) -> Outcome:
        surface = class_surface(source, node.name, path, resolver)
        return build_plan(module, node, class_def, requested, facts, surface, resolver, name=name)

    return _run(source, plan, path, handlers_of)


def add_contributions(
    source: str, build: Callable[[NodeContext], Iterable[Contribution]], *, add_bases: Iterable[str] = ()
) -> UpgradeResult:
    """Your own refactor: for every node class of ``source``, ``build(context)``
    returns Contributions (made with the pattern builders, or by hand with
    :mod:`codegen_ast.builders`) and whatever of them the class lacks is added,
    matched by name, exactly as the upgrade does; ``health_checks`` of the
    contributions are appended to an existing ``get_health_checks``."""
    bases = tuple(add_bases)

    def plan(module: cst.Module, node: NodeClass, class_def: cst.ClassDef, facts: SourceFacts) -> Outcome:
        context = infer_context(node, infer_spec(node, class_def, (), ()), (), (), [])
        contributions = list(build(context))
        checks = [
            check
            for contribution in contributions
            for check in contribution.health_checks
            if not facts.reads(node.name, "get_health_checks", check)
        ]
        class_plan = ClassPlan(node.name, contributions, health_checks=checks, bases=[b.name(base) for base in bases])
        return Outcome(class_plan, context)

    return _run(source, plan)


def _run(source: str, plan_for: PlanBuilder, path: Path | None = None, handlers_of: str | None = None) -> UpgradeResult:
    timer = PhaseTimer()
    result = UpgradeResult(original=source, source=source, seconds=timer.seconds)
    started = time.perf_counter()
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        timer.add("parse", started)
        result.error = f"does not parse: line {error.raw_line}: {error.message}"
        return result
    timer.add("parse", started)

    started = time.perf_counter()
    formatting_before = timer.seconds["format"]
    original = module
    renames: dict[str, str] = {}
    nodes = find_node_classes(module) if handlers_of is None else find_handler_classes(module, handlers_of)
    try:
        facts = SourceFacts.read(source) if nodes else None
    except SyntaxError as error:
        result.error = f"does not compile: line {error.lineno}: {error.msg}"
        return result
    for node in nodes:
        assert facts is not None
        class_def = next(c for c in module.body if isinstance(c, cst.ClassDef) and c.name.value == node.name)
        outcome = plan_for(module, node, class_def, facts)
        plan, context, notes = outcome.plan, outcome.context, outcome.notes
        try:
            module, log = merge_class(module, plan, timer, path)
        except ImportConflict as error:
            result.error = f"{error}; file left alone"
            return result
        if plan.rename:
            renames[node.name] = plan.rename
        applied = outcome.applied if outcome.applied or outcome.skipped else context.selection.patterns
        result.nodes.append(
            NodeUpgrade(node.name, context.spec, applied, tuple(log.added), tuple(notes + log.notes), outcome.skipped)
        )
    timer.seconds["transform"] += time.perf_counter() - started - (timer.seconds["format"] - formatting_before)

    if module is original:
        return result
    started = time.perf_counter()
    upgraded = module.code
    timer.add("format", started)
    if upgraded == source:
        return result

    started = time.perf_counter()
    try:
        compile(upgraded, "<upgraded>", "exec")
    except SyntaxError as error:
        result.error = f"the upgrade would not compile (line {error.lineno}: {error.msg}); file left alone"
    else:
        lost = lost_statements(original, module, renames)
        if lost:
            result.error = "the upgrade would not keep every statement (" + "; ".join(lost[:3]) + "); file left alone"
    timer.add("verify", started)
    if result.error is None:
        result.source = upgraded
    return result


def upgrade_source(source: str, *, add: str | Iterable[str] | None = None) -> str:
    """``source`` with the missing production patterns added to every node class.

    ``add`` names the concerns (``"health,metrics"`` or a list; see
    :data:`codegen_ast.upgrade.CONCERNS`); None adds every applicable one.
    Raises :class:`UpgradeError` when the source cannot be upgraded.
    """
    result = upgrade(source, add=add)
    if result.error is not None:
        raise UpgradeError(result.error)
    return result.source

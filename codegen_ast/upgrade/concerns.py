"""What ``--add`` can ask for, and the plan of additions for one node class.

Each concern is one production pattern, built by the very same function that
builds it for a generated node (``codegen_ast.patterns``); the upgrade then
adds whatever of it the class lacks. Which patterns apply to a hand-written
node, and how:

========================  =====================================================
concern                   what a hand-written node gets
========================  =====================================================
logging                   ``_emit_log`` and ``NODE_NAME`` (structured logs)
health_check_mode         ``ONEX_HEALTH_CHECK_MODE`` detection in ``__init__``
health                    ``get_health_checks`` + ``_check_self_health`` (the
                          lifecycle check; a hand-written node has no handler
                          table), or the missing checks appended to the list
                          an existing ``get_health_checks`` returns;
                          ``MixinHealthCheck`` added to a plain ``NodeX`` base
metrics                   counters, ``_record_operation``,
                          ``get_operation_metrics``; ``@_record_metrics`` on the
                          entry point; ``MixinMetrics`` added to a plain base
errors                    ``_wrap_error`` and ``@_map_errors`` on the entry
                          point (the errors pattern's except clauses)
lifecycle                 ``initialize``/``cleanup`` starting and stopping the
                          integrations (not added over an existing
                          ``initialize``: then a note says what to call)
postgres/redis/http/kafka a managed client, start/stop, a real health probe,
                          typed helpers, error mappings, counters
consul                    registration in ``initialize``, deregistration,
                          a health check
events                    ``_publish_domain_event`` (envelope, event bus and/or
                          Kafka); ``MixinEventBus`` added to a plain base
publish_event_fix         ``_log_info``/``_log_error`` on ModelServiceEffect /
                          ModelServiceOrchestrator (framework defect)
scaffold                  adoption of the ``onex new node`` stub
                          (:mod:`codegen_ast.upgrade.scaffold`)
========================  =====================================================

Routing (``process`` dispatching to generated handlers and models) is the one
pattern that never applies: it needs the generated request/response models, and
a hand-written ``process`` is the user's.

Without ``--add`` every applicable concern is added: logging,
health_check_mode, health, metrics, errors, the integrations the module
imports (and lifecycle for them), consul when it is imported, events when
Kafka is, the publish_event fix on the defective wrappers, and scaffold
adoption for a stub. Requested concerns pull in what they need (an integration
needs lifecycle, health, metrics; lifecycle needs logging...).
"""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.errors import CodegenError
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.core.errors import build_errors
from codegen_ast.patterns.core.health import build_health
from codegen_ast.patterns.events.publishing import DEFECTIVE_WRAPPERS
from codegen_ast.patterns.integrations import INTEGRATIONS
from codegen_ast.patterns.record import Earlier
from codegen_ast.patterns.registry import REGISTRY, find
from codegen_ast.decisions import Decision
from codegen_ast.spec import suggestion
from codegen_ast.target import CONTAINER, MIXINS, SERVICE_WRAPPERS
from codegen_ast.upgrade.imports import conflicting_imports
from codegen_ast.upgrade.infer import SourceFacts, infer_context, infer_spec
from codegen_ast.upgrade.additions import ClassPlan
from codegen_ast.upgrade.nodes import ENTRY_METHODS, SCAFFOLD_METHODS, NodeClass, methods
from codegen_ast.upgrade.process_path import CALLED_BY, MAP_ERRORS, RECORD_METRICS, build_process_path
from codegen_ast.upgrade.scaffold import adopted_name, build_scaffold, wrapper_base

INTEGRATION_NAMES: tuple[str, ...] = tuple(INTEGRATIONS)
# the registry's upgradable patterns, after the adoption of the `onex new node` stub
CONCERNS: tuple[str, ...] = ("scaffold", *(pattern.name.value for pattern in REGISTRY if pattern.upgradable))
_REQUIRES: dict[str, frozenset[str]] = {
    "errors": frozenset({"logging"}),
    "lifecycle": frozenset({"logging", "health_check_mode"}),
    "consul": frozenset({"lifecycle", "health", "health_check_mode", "logging"}),
    "events": frozenset({"logging", "metrics"}),
    **{name: frozenset({"lifecycle", "health", "metrics", "health_check_mode", "logging"}) for name in INTEGRATION_NAMES},
}
# what a plain NodeX base needs for a concern (in the wrappers' MRO order)
_MIXINS = {"health": "MixinHealthCheck", "events": "MixinEventBus", "metrics": "MixinMetrics"}
_ALWAYS = ("logging", "health_check_mode", "health", "metrics", "errors")


class UnknownConcern(CodegenError):
    """``--add`` named something the upgrade does not know."""


def parse_concerns(value: str | Iterable[str] | None) -> frozenset[str] | None:
    """``"health,metrics"`` or ``["health", "metrics"]`` -> the concerns; None means all applicable."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    names = frozenset(item.strip() for item in items if item.strip())
    for name in sorted(names):
        if name not in CONCERNS:
            raise UnknownConcern(f"unknown concern {name!r}: {suggestion(name, CONCERNS)}known: {', '.join(CONCERNS)}")
    return names


def closure(concerns: Iterable[str]) -> frozenset[str]:
    result = set(concerns)
    pending = list(result)
    while pending:
        for needed in _REQUIRES.get(pending.pop(), frozenset()):
            if needed not in result:
                result.add(needed)
                pending.append(needed)
    return frozenset(result)


def choose_concerns(
    requested: frozenset[str] | None, node: NodeClass, detected: dict[str, str]
) -> tuple[tuple[str, ...], list[Decision]]:
    """The concerns to apply to ``node``, in order, with the reason for each."""
    log: list[Decision] = []
    if requested is None:
        chosen = set(_ALWAYS)
        reasons = {name: "applies to every node" for name in _ALWAYS}
        for name, library in detected.items():
            chosen.add(name)
            reasons[name] = f"the module imports {library}"
        if "kafka" in detected:
            chosen.add("events")
            reasons["events"] = "the module imports aiokafka"
        chosen |= {"scaffold", "publish_event_fix"}
    else:
        chosen = set(requested)
        reasons = {name: "requested with --add" for name in requested}
    full = closure(chosen)
    wrapper = SERVICE_WRAPPERS[node.node_type].name if node.scaffold else node.base
    if not node.scaffold:
        full -= {"scaffold"}
    if wrapper not in DEFECTIVE_WRAPPERS:
        full -= {"publish_event_fix"}
    reasons.setdefault("scaffold", "the class is the stub `onex new node` writes")
    reasons.setdefault("publish_event_fix", f"{wrapper} shadows MixinEventBus logging (framework defect)")
    ordered = tuple(name for name in CONCERNS if name in full)
    log += [Decision("pattern", name, reasons.get(name, "needed by another concern")) for name in ordered]
    return ordered, log


def _entry_point(node: NodeClass, class_def: cst.ClassDef) -> cst.FunctionDef | None:
    own = methods(class_def)
    for name in ENTRY_METHODS[node.node_type]:
        if name in own and own[name].asynchronous is not None:
            return own[name]
    return None


def _adopt_scaffold(plan: ClassPlan, context: NodeContext, node: NodeClass, class_def: cst.ClassDef) -> Contribution:
    """Scaffold adoption's part of the plan; returns its contribution (``process``)."""
    method = methods(class_def)[SCAFFOLD_METHODS[node.node_type]]
    argument = method.params.params[1].name.value if len(method.params.params) > 1 else "input_data"
    scaffold, replacement, alias = build_scaffold(context, node, argument)
    plan.contributions.append(scaffold)
    plan.bases = [wrapper_base(node.node_type)]
    plan.placeholders = {SCAFFOLD_METHODS[node.node_type]: replacement}
    if adopted_name(node) != node.name:
        plan.rename = adopted_name(node)
        plan.after_class = [alias]
    return scaffold


def build_plan(
    module: cst.Module,
    node: NodeClass,
    class_def: cst.ClassDef,
    requested: frozenset[str] | None,
    facts: SourceFacts,
) -> tuple[ClassPlan, NodeContext, list[str]]:
    """The additions the concerns want for ``node`` (merge keeps what is missing),
    its inferred context, and notes for the user."""
    detected = dict(facts.libraries)
    notes: list[str] = []
    for name in INTEGRATION_NAMES:
        conflicts = conflicting_imports(module, INTEGRATIONS[name].imports)
        if conflicts and (name in detected or (requested is not None and name in requested)):
            detected.pop(name, None)
            requested = None if requested is None else requested - {name}
            notes.append(f"{node.name}: the {name} integration is not added: {conflicts[0]}")
    concerns, log = choose_concerns(requested, node, detected)
    integrations = tuple(name for name in INTEGRATION_NAMES if name in concerns)
    features = tuple(name for name in ("consul", "events") if name in concerns)
    spec = infer_spec(node, class_def, integrations, features)
    added_mixins: tuple[str, ...] = ()
    if node.resolved and node.base is not None and not node.uses_wrapper:
        added_mixins = tuple(
            mixin for name, mixin in _MIXINS.items() if name in concerns and mixin not in node.mixins
        )
    elif not node.resolved:
        notes.append(
            f"{node.name}: its base class is not visible here; it is assumed to provide "
            "MixinHealthCheck and MixinMetrics (as the ModelService* wrappers do)"
        )
    context = infer_context(node, spec, added_mixins, concerns, log)

    def build(name: str, earlier: Earlier = Earlier()) -> Contribution:
        return find(name).build(context, earlier)

    extras = [build(name) for name in (*integrations, "consul", "events") if name in concerns]
    earlier = Earlier(tuple(extras))
    checks = earlier.health_checks
    contributions: list[Contribution] = [Contribution(imports={(CONTAINER.module, CONTAINER.name)})]
    contributions += [build(name) for name in ("logging", "health_check_mode") if name in concerns]
    contributions += extras
    if "lifecycle" in concerns:
        steps = earlier.lifecycle
        contributions.append(build("lifecycle", earlier))
        if steps and "initialize" in methods(class_def):
            starts = ", ".join(f"self.{step.start}()" for step in steps)
            notes.append(f"{node.name}.initialize() is yours and is kept: await {starts} in it (and _stop_integrations() in cleanup())")

    plan = ClassPlan(class_name=node.name, contributions=contributions)
    scaffold = _adopt_scaffold(plan, context, node, class_def) if "scaffold" in concerns else None
    errors = build_errors(earlier.error_mappings)
    if "errors" in concerns:
        contributions.append(Contribution(imports=errors.imports, methods=errors.methods))
    wanted = [name for name, concern in ((RECORD_METRICS, "metrics"), (MAP_ERRORS, "errors")) if concern in concerns]
    entry = scaffold.methods[0] if scaffold is not None else _entry_point(node, class_def)
    if entry is not None:
        decorators = [d for d in wanted if not facts.reads(node.name, entry.name.value, CALLED_BY[d])]
        if decorators:
            handlers = errors.except_handlers if MAP_ERRORS in decorators else None
            contributions.append(build_process_path(record=RECORD_METRICS in decorators, handlers=handlers))
            plan.decorators[entry.name.value] = decorators
            if scaffold is not None:  # the new process() gets them as it is built
                scaffold.methods[0] = entry.with_changes(decorators=[cst.Decorator(b.name(d)) for d in decorators])
    elif wanted:
        notes.append(f"{node.name} has no async process(): metrics and error mapping are not wired to an entry point")
    if "metrics" in concerns:
        contributions.append(build("metrics", earlier))
    if "health" in concerns:
        contributions.append(build_health(context, checks, routed=False))
        plan.health_checks = [
            check for check in ["_check_self_health", *checks] if not facts.reads(node.name, "get_health_checks", check)
        ]
    if "publish_event_fix" in concerns:
        contributions.append(build("publish_event_fix"))
    if added_mixins:
        # MixinEventBus is generic in its event and payload types (as in generated compositions)
        plan.bases = [b.subscript(m, "Any", "Any") if m == "MixinEventBus" else b.name(m) for m in added_mixins]
        imports = {(MIXINS[name].module, name) for name in added_mixins} | {("typing", "Any")}
        contributions.append(Contribution(imports=imports))
    return plan, context, notes

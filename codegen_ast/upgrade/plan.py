"""The plan for one node class: which concerns apply, which are skipped and why.

A concern is applied only when everything its code calls is proven there
(:mod:`codegen_ast.upgrade.needs` against the class's
:class:`~codegen_ast.upgrade.surface.Surface`): defined in the class, in a
base resolved through the imports, brought by a mixin the upgrade adds (when
the class's ``__init__`` lets the mixin set itself up), or by a concern
applied with it. Otherwise it is skipped with the reason, and so is every
concern that needs it. Besides that, a concern is skipped when:

- it would add a second client, producer or registration beside the node's own;
- it would start something from ``initialize()``/``cleanup()`` the user wrote
  (the upgrade never rewrites them, so nothing would start it);
- it would change the exceptions callers see (error mapping: only on request);
- it has nothing to wire to (metrics without an async entry point);
- the class is a declarative shell (see :mod:`codegen_ast.upgrade.declarative`).

The checks repeat until nothing more is skipped: a skipped integration changes
what ``lifecycle`` and ``health`` are built from.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace

import libcst as cst
import libcst.matchers as m

from codegen_ast import builders as b
from codegen_ast.decisions import Decision
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.core.errors import build_errors
from codegen_ast.patterns.core.health import build_health
from codegen_ast.patterns.integrations import INTEGRATIONS
from codegen_ast.patterns.record import Earlier
from codegen_ast.patterns.registry import find
from codegen_ast.target import CONTAINER, FRAMEWORK_PACKAGE, MIXINS, SERVICE_WRAPPERS
from codegen_ast.upgrade.additions import ClassPlan
from codegen_ast.upgrade.concerns import INTEGRATION_NAMES, choose_concerns
from codegen_ast.upgrade.imports import conflicting_imports
from codegen_ast.upgrade.infer import SourceFacts, infer_context, infer_spec
from codegen_ast.upgrade.needs import needs_of, override_conflict, unmet
from codegen_ast.upgrade.nodes import ENTRY_METHODS, HANDLER_METHODS, SCAFFOLD_METHODS, NodeClass, class_bases, methods
from codegen_ast.upgrade.owned import owned_clients
from codegen_ast.upgrade.process_path import CALLED_BY, MAP_ERRORS, RECORD_METRICS, build_process_path
from codegen_ast.upgrade.scaffold import adopted_name, build_scaffold, wrapper_base
from codegen_ast.upgrade.surface import Resolver, Surface, class_surface

# the framework mixin a concern's code relies on (what calls it, or what it calls)
MIXIN_OF: dict[str, tuple[str, ...]] = {
    "health": ("MixinHealthCheck",),
    "metrics": ("MixinMetrics",),
    "events": ("MixinEventBus", "MixinMetrics"),
    **{integration: ("MixinMetrics",) for integration in INTEGRATION_NAMES},
}
_MIXIN_ORDER = ("MixinHealthCheck", "MixinEventBus", "MixinMetrics")  # as in the wrappers' MRO
# what a concern is for: an integration nobody starts, a lifecycle with nothing to start, are dead code
_STARTED = (*INTEGRATION_NAMES, "consul")
# helpers: applied when a concern applied with them (or the user, by name) uses them
_HELPERS = ("logging", "health_check_mode")
_HOOKS = ("initialize", "cleanup")
_ENTRY_BOUND = ("metrics", "errors")


@dataclass(frozen=True)
class Skip:
    concern: str
    reason: str


@dataclass
class Outcome:
    plan: ClassPlan
    context: NodeContext
    notes: list[str] = field(default_factory=list)
    applied: tuple[str, ...] = ()
    skipped: tuple[Skip, ...] = ()
    parts: dict[str, list[Contribution]] = field(default_factory=dict)  # concern -> what it adds


def _entry_point(node: NodeClass, class_def: cst.ClassDef) -> cst.FunctionDef | None:
    own = methods(class_def)
    for name in HANDLER_METHODS if node.handler else ENTRY_METHODS[node.node_type]:
        if name in own and own[name].asynchronous is not None:
            return own[name]
    return None


def _lineage_mixins(surface: Surface) -> tuple[str, ...]:
    found = []
    for qualified in surface.bases:
        module, _, name = qualified.rpartition(".")
        if module.startswith(FRAMEWORK_PACKAGE + ".") and name.startswith("Mixin") and name not in found:
            found.append(name)
    return tuple(found)


def _init_reaches_bases(class_def: cst.ClassDef) -> bool:
    """Whether the class's own ``__init__`` (if any) calls ``super().__init__``."""
    init = methods(class_def).get("__init__")
    if init is None:
        return True
    tree = ast.parse(cst.Module(body=[init]).code)
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "__init__"
        and isinstance(node.func.value, ast.Call)
        and isinstance(node.func.value.func, ast.Name)
        and node.func.value.func.id == "super"
        for node in ast.walk(tree)
    )


def kept_names(module: cst.Module, class_def: cst.ClassDef) -> frozenset[str]:
    """The methods the merge keeps as written: the class's own and its local bases'."""
    classes = {item.name.value: item for item in module.body if isinstance(item, cst.ClassDef)}
    names: set[str] = set(methods(class_def))
    pending = [base for base in class_bases(class_def) if base in classes]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen or name is None:
            continue
        seen.add(name)
        names |= set(methods(classes[name]))
        pending += [parent for parent in class_bases(classes[name]) if parent in classes]
    return frozenset(names)


def _extend(surface: Surface, module: str, name: str, resolver: Resolver) -> bool:
    """Add the members of the installed class ``module.name`` to ``surface`` as
    inherited (a base the upgrade adds); False if it cannot be read."""
    source = f"from {module} import {name}\nclass _Added({name}):\n    pass\n"
    added = class_surface(source, "_Added", resolver=resolver)
    if added.open:
        return False
    for member_name, member in added.members.items():
        surface.members.setdefault(member_name, member)
        surface.inherited.setdefault(member_name, member)
    surface.bases += [base for base in added.bases[1:] if base not in surface.bases]
    return True


def build_plan(
    module: cst.Module,
    node: NodeClass,
    class_def: cst.ClassDef,
    requested: frozenset[str] | None,
    facts: SourceFacts,
    surface: Surface,
    resolver: Resolver,
    *,
    name: str | None = None,
) -> Outcome:
    """The additions the applicable concerns want for ``node`` (the merge keeps
    what is missing), its inferred context, the applied and skipped concerns."""
    detected = dict(facts.libraries)
    notes: list[str] = []
    skipped: dict[str, str] = {}
    if node.shell:
        candidates, _ = choose_concerns(requested, node, detected)
        context = infer_context(node, infer_spec(node, class_def, (), (), name=name), (), (), [])
        reason = (
            "the node is a declarative shell (a docstring and __init__ only, as the declarative-node rule "
            "requires): its behaviour, and the patterns, belong to its handlers"
        )
        return Outcome(ClassPlan(node.name, []), context, skipped=tuple(Skip(c, reason) for c in candidates))
    if node.handler:
        for concern in (*INTEGRATION_NAMES, "consul", "events", "lifecycle", "health", "health_check_mode"):
            skipped[concern] = (
                "not added to a handler: it owns its resources itself (the node's health and lifecycle "
                "are the runtime's)"
            )
    for integration in INTEGRATION_NAMES:
        conflicts = conflicting_imports(module, INTEGRATIONS[integration].imports)
        if conflicts and (integration in detected or (requested is not None and integration in requested)):
            skipped[integration] = conflicts[0]
    candidates, log = choose_concerns(requested, node, detected)
    kept = kept_names(module, class_def)
    for integration, evidence in owned_clients(module).items():
        # (a node that has the integration already, generated or upgraded, made that client itself)
        if integration in candidates and f"_start_{integration}" not in kept:
            skipped[integration] = f"the node has its own {evidence}: a second one is not added"
    # (the process() scaffold adoption writes is new: no caller has seen its exceptions)
    if requested is None:
        if "events" in candidates:
            skipped.setdefault("events", "a publishing helper nothing calls yet: ask for it with --add events")
        for concern in (*INTEGRATION_NAMES, "consul"):
            if concern in candidates and concern not in skipped:
                library = detected.get(concern, concern)
                skipped[concern] = (
                    f"the module imports {library}, but the node makes no client of it: a managed one would "
                    f"connect from initialize(), which the node does not do today: ask for it with --add {concern}"
                )
    if "errors" in candidates and not node.scaffold and (requested is None or "errors" not in requested):
        skipped["errors"] = (
            "error mapping changes which exceptions callers see: ask for it with --add errors"
        )
    hooks = [hook for hook in _HOOKS if (member := surface.members.get(hook)) is not None and member.user]
    if hooks:
        written = " and ".join(f"{hook}()" for hook in hooks)
        skipped["lifecycle"] = (
            f"{written} {'is' if len(hooks) == 1 else 'are'} the node's own and the upgrade does not rewrite "
            "them: nothing would start or stop what the lifecycle manages"
        )
    entry = _entry_point(node, class_def)
    if entry is None and not node.scaffold:
        for concern in _ENTRY_BOUND:
            skipped.setdefault(concern, "the node has no async process(): there is nothing to wire it to")

    if node.scaffold:  # adoption gives the stub its kind's wrapper as base
        wrapper = SERVICE_WRAPPERS[node.node_type]
        if not _extend(surface, wrapper.module, wrapper.name, resolver):
            skipped["scaffold"] = f"{wrapper.name} could not be read from omnibase-core here"
    added_mixins: list[str] = []
    present = set(_lineage_mixins(surface))
    wanted = [(concern, mixin) for concern, mixins in MIXIN_OF.items() for mixin in mixins]
    for concern, mixin in wanted:
        if concern not in candidates or concern in skipped or mixin in present or mixin in added_mixins:
            continue
        if mixin == "MixinEventBus" and "kafka" in candidates and "kafka" not in skipped:
            continue  # events go to Kafka
        if surface.open:
            skipped[concern] = (
                f"it needs {mixin}, and the base {surface.open[0]} could not be read to tell whether it has it"
            )
        elif not _init_reaches_bases(class_def):
            skipped[concern] = f"{node.name}.__init__ does not call super().__init__(): {mixin} would not be set up"
        elif _extend(surface, MIXINS[mixin].module, mixin, resolver):
            added_mixins.append(mixin)
        else:
            skipped[concern] = f"{mixin} could not be read from omnibase-core here"

    while True:
        accepted = tuple(concern for concern in candidates if concern not in skipped)
        outcome = _assemble(module, node, class_def, accepted, facts, surface, added_mixins, log, name, entry)
        problem = _first_problem(outcome, accepted, skipped, surface, kept, requested or frozenset(), node.handler)
        if problem is None:
            break
        skipped[problem.concern] = problem.reason
    used_mixins = [
        mixin for mixin in _MIXIN_ORDER if mixin in added_mixins and any(mixin in MIXIN_OF.get(c, ()) for c in accepted)
    ]
    if used_mixins:
        # MixinEventBus is generic in its event and payload types (as in generated compositions)
        outcome.plan.bases = [
            b.subscript(mixin, "Any", "Any") if mixin == "MixinEventBus" else b.name(mixin) for mixin in used_mixins
        ]
        imports = {(MIXINS[mixin].module, mixin) for mixin in used_mixins}
        if "MixinEventBus" in used_mixins:
            imports.add(("typing", "Any"))
        outcome.plan.contributions.append(Contribution(imports=imports))
    outcome.notes = notes + outcome.notes
    outcome.applied = accepted
    outcome.skipped = tuple(Skip(concern, skipped[concern]) for concern in candidates if concern in skipped)
    return outcome


def _assemble(
    module: cst.Module,
    node: NodeClass,
    class_def: cst.ClassDef,
    concerns: tuple[str, ...],
    facts: SourceFacts,
    surface: Surface,
    added_mixins: list[str],
    log: list[Decision],
    name: str | None,
    entry: cst.FunctionDef | None,
) -> Outcome:
    integrations = tuple(item for item in INTEGRATION_NAMES if item in concerns)
    features = tuple(item for item in ("consul", "events") if item in concerns)
    spec = infer_spec(node, class_def, integrations, features, name=name)
    mixins = tuple(dict.fromkeys((*_lineage_mixins(surface), *added_mixins)))
    context = infer_context(node, spec, mixins, concerns, log)

    def build(concern: str, earlier: Earlier = Earlier()) -> Contribution:
        return find(concern).build(context, earlier)

    parts: dict[str, list[Contribution]] = {}
    extras = {concern: build(concern) for concern in (*integrations, "consul", "events") if concern in concerns}
    earlier = Earlier(tuple(extras.values()))
    contributions: list[Contribution] = [Contribution(imports={(CONTAINER.module, CONTAINER.name)})]
    for concern in ("logging", "health_check_mode"):
        if concern in concerns:
            parts[concern] = [build(concern)]
    for concern, contribution in extras.items():
        parts[concern] = [contribution]
    if "lifecycle" in concerns:
        parts["lifecycle"] = [build("lifecycle", earlier)]
    plan = ClassPlan(class_name=node.name, contributions=contributions)
    scaffold = None
    if "scaffold" in concerns:
        method = methods(class_def)[SCAFFOLD_METHODS[node.node_type]]
        argument = method.params.params[1].name.value if len(method.params.params) > 1 else "input_data"
        scaffold, replacement, alias = build_scaffold(context, node, argument)
        parts["scaffold"] = [scaffold]
        plan.bases = [wrapper_base(node.node_type)]
        plan.placeholders = {SCAFFOLD_METHODS[node.node_type]: replacement}
        if adopted_name(node) != node.name:
            plan.rename = adopted_name(node)
            plan.after_class = [alias]
    errors = build_errors(earlier.error_mappings)
    if "errors" in concerns:
        parts["errors"] = [Contribution(imports=errors.imports, methods=errors.methods)]
    wired = scaffold.methods[0] if scaffold is not None else entry
    wanted = [d for d, concern in ((RECORD_METRICS, "metrics"), (MAP_ERRORS, "errors")) if concern in concerns]
    if wired is not None:
        decorators = [d for d in wanted if not facts.reads(node.name, wired.name.value, CALLED_BY[d])]
        if RECORD_METRICS in decorators:
            parts.setdefault("metrics", []).append(build_process_path(record=True, handlers=None))
        if MAP_ERRORS in decorators:
            parts["errors"].append(build_process_path(record=False, handlers=errors.except_handlers))
        if decorators:
            plan.decorators[wired.name.value] = decorators
            if scaffold is not None:  # the new process() gets them as it is built
                scaffold.methods[0] = wired.with_changes(decorators=[cst.Decorator(b.name(d)) for d in decorators])
    if "metrics" in concerns:
        metrics = build("metrics", earlier)
        if node.handler:  # a handler has no node-level processing metrics to update
            metrics = replace(metrics, methods=[_without_calls(m, _NODE_ONLY_CALLS) for m in metrics.methods])
        parts.setdefault("metrics", []).append(metrics)
    if "health" in concerns:
        parts["health"] = [build_health(context, earlier.health_checks, routed=False)]
        plan.health_checks = [
            check
            for check in ["_check_self_health", *earlier.health_checks]
            if not facts.reads(node.name, "get_health_checks", check)
        ]
    if "publish_event_fix" in concerns:
        parts["publish_event_fix"] = [build("publish_event_fix")]
    for concern in concerns:
        contributions += parts.get(concern, [])
    return Outcome(plan, context, parts=parts)


_NODE_ONLY_CALLS = frozenset({"_update_processing_metrics"})  # NodeCoreBase's own bookkeeping


def _without_calls(method: cst.FunctionDef, names: frozenset[str]) -> cst.FunctionDef:
    """``method`` without its statements that call (or await) ``self.<name>`` for ``names``."""
    if not isinstance(method.body, cst.IndentedBlock):
        return method

    def calls(statement: cst.BaseStatement) -> bool:
        return any(
            isinstance(found, cst.Attribute) and found.attr.value in names
            for found in m.findall(statement, m.Attribute(value=m.Name("self")))
        )

    kept = [statement for statement in method.body.body if not calls(statement)]
    return method.with_changes(body=method.body.with_changes(body=kept))


def _first_problem(
    outcome: Outcome,
    accepted: tuple[str, ...],
    skipped: dict[str, str],
    surface: Surface,
    kept: frozenset[str],
    requested: frozenset[str],
    handler: bool,
) -> Skip | None:
    """The first accepted concern that cannot stay, and why (None: all can)."""
    added = {
        concern: [replace(c, methods=[m for m in c.methods if m.name.value not in kept]) for c in contributions]
        for concern, contributions in outcome.parts.items()
    }
    needs = {concern: needs_of(*added.get(concern, [])) for concern in accepted}
    provided = {concern: needs[concern].defines for concern in accepted}
    uses = {concern: {use.name for use in needs[concern].uses} for concern in accepted}
    for concern in accepted:
        if concern in _STARTED and "lifecycle" not in accepted:
            return Skip(concern, f"nothing would start it: lifecycle is skipped ({skipped.get('lifecycle', 'not applied')})")
        if concern == "lifecycle" and not any(item in accepted for item in _STARTED):
            return Skip(concern, "there is nothing for it to start or stop")
        if concern in _HELPERS and concern not in requested:
            defined = set(provided.get(concern, {}))
            if not any(defined & names for other, names in uses.items() if other != concern):
                return Skip(concern, "nothing the upgrade adds uses it")
        others = {name: kind for other, names in provided.items() if other != concern for name, kind in names.items()}
        if handler and "__init__" not in kept and any(c.init_statements for c in added.get(concern, [])):
            return Skip(
                concern,
                "it would give the handler an __init__(container), and runtimes build handlers without one",
            )
        own = [method for contribution in added.get(concern, []) for method in contribution.methods]
        for method in own:
            conflict = override_conflict(method, surface)
            if conflict is not None:
                return Skip(concern, conflict)
        overrides = [method.name.value for method in own if method.name.value in surface.members]
        reason = unmet(needs[concern], surface, others, overrides=overrides)
        if reason is not None:
            return Skip(concern, reason)
    return None

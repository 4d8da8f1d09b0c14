"""The mixin selector: spec -> base class, mixins, integrations and patterns.

Deterministic (the same spec always gives the same Selection) and explained:
every choice is recorded in ``Selection.log`` with its reason, which
``codegen-ast explain`` prints. Rules follow the seed plan (sections 4.1, 5.2,
6.2) mapped onto what omnibase-core 0.47.57 really has.
"""

from __future__ import annotations

import re
from dataclasses import replace

from codegen_ast.decisions import Decision, Selection
from codegen_ast.errors import CodegenError
from codegen_ast.patterns.discovery.pattern import RESPONDER as DISCOVERY_RESPONDER
from codegen_ast.patterns.discovery.pattern import answers_discovery
from codegen_ast.patterns.events.names import declares_events
from codegen_ast.patterns import registry
from codegen_ast.profiles import choose_profile
from codegen_ast.spec import NodeSpec
from codegen_ast.target import BASE_CLASSES, SERVICE_WRAPPERS, WRAPPER_MIXINS
from codegen_ast.target.catalogue import BY_NAME, composition_clashes, refusal

# integration -> words that reveal it in the domain or in operation names
# (seed 5.2); explicit dependencies always count.
_TRIGGERS = {
    "postgres": frozenset({"database", "postgres", "postgresql", "sql", "persist", "persistence", "store"}),
    "redis": frozenset({"cache", "redis"}),
    "http": frozenset({"api", "http", "rest", "request"}),
    "kafka": frozenset({"event", "events", "kafka", "stream", "streaming", "publish", "subscribe"}),
}
_INTEGRATION_ORDER = ("postgres", "redis", "http", "kafka")


# Features the spec may name whose code this version does not generate yet.
_NOT_GENERATED = {
    "retry": "no generated retry loop for plain operations: declared endpoints (operations[].http) retry idempotent methods",
}


class SelectionError(CodegenError):
    """The spec asks for a combination the framework cannot build."""


_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _words(text: str) -> set[str]:
    return set(_NOT_WORD.split(text.lower()))


def detect_integrations(spec: NodeSpec) -> tuple[tuple[str, ...], list[Decision]]:
    log: list[Decision] = []
    found: set[str] = set()
    domain_words = _words(spec.domain)
    operation_words = set("_".join(op.name for op in spec.operations).split("_"))
    calls = [op.name for op in spec.http_operations] or [op.name for op in spec.workflow_operations if spec.step_calls]
    for integration in _INTEGRATION_ORDER:
        if integration in spec.dependencies:
            reason = "declared in dependencies"
        elif integration == "postgres" and spec.database is not None:
            reason = f"database table {spec.database.table!r} is declared"
        elif integration == "http" and calls:
            reason = f"operation {calls[0]!r} calls an HTTP endpoint"
        elif hits := sorted(domain_words & _TRIGGERS[integration]):
            reason = f"domain {spec.domain!r} mentions {hits[0]!r}"
        elif hits := sorted(operation_words & _TRIGGERS[integration]):
            reason = f"an operation name mentions {hits[0]!r}"
        else:
            continue
        found.add(integration)
        log.append(Decision("integration", integration, reason))
    return tuple(i for i in _INTEGRATION_ORDER if i in found), log


def _check_conflicts(spec: NodeSpec) -> None:
    for mixin in spec.mixins:
        if mixin == DISCOVERY_RESPONDER:
            continue  # held by the node, not a base: the discovery pattern
        problem = refusal(mixin, spec.node_type)
        if problem is not None:
            raise SelectionError(
                f"mixin {mixin} cannot be a base of the {spec.node_type} node: {problem}; remove it from "
                f"'mixins' (`codegen-ast mixins {mixin}` says more)"
            )
        if mixin == "MixinNodeService" and "no_service_mode" in spec.features:
            raise SelectionError(
                "mixins asks for MixinNodeService but features has no_service_mode: keep one of them"
            )


def select(spec: NodeSpec) -> Selection:
    """Choose base class, mixins, integrations and patterns for ``spec``."""
    _check_conflicts(spec)
    log: list[Decision] = []
    integrations, integration_log = detect_integrations(spec)
    chosen = choose_profile(spec, integrations, _words(spec.domain))
    if chosen is not None:
        profile, why = chosen
        log.append(Decision("variant", profile.name, f"{why}: {profile.summary}"))
        added = [i for i in profile.integrations if i not in integrations]
        integration_log += [Decision("integration", i, f"the {profile.name} variant brings it") for i in added]
        integrations = tuple(i for i in _INTEGRATION_ORDER if i in integrations or i in added)

    wrapper_mixins = WRAPPER_MIXINS[spec.node_type]
    base_class = BASE_CLASSES[spec.node_type].name
    requested = []
    for mixin in spec.mixins:
        if mixin == DISCOVERY_RESPONDER:
            log.append(Decision("mixin", mixin, f"held by the node (the discovery pattern), not a base: {BY_NAME[mixin].reason}"))
        elif spec.node_type in BY_NAME[mixin].provided_by:
            log.append(Decision("mixin", mixin, f"already in {base_class}, the node's base"))
        else:
            requested.append(mixin)
    events_reason = declares_events(spec) or answers_discovery(spec)
    if events_reason and "MixinEventBus" not in wrapper_mixins and "MixinEventBus" not in requested:
        requested.append("MixinEventBus")
    missing = [m for m in requested if m not in wrapper_mixins]
    custom = "no_service_mode" in spec.features or "custom_mixins" in spec.features or bool(missing)

    if not custom:
        base = SERVICE_WRAPPERS[spec.node_type]
        mixins: tuple[str, ...] = ()
        log.append(
            Decision(
                "base",
                base.name,
                f"the convenience wrapper (default): it brings {', '.join(wrapper_mixins)}",
            )
        )
        for mixin in requested:
            log.append(Decision("mixin", mixin, f"already provided by {base.name}"))
    else:
        base = BASE_CLASSES[spec.node_type]
        if "no_service_mode" in spec.features:
            why = "features has no_service_mode"
        elif "custom_mixins" in spec.features:
            why = "features has custom_mixins"
        else:
            why = f"{', '.join(missing)} is not part of {SERVICE_WRAPPERS[spec.node_type].name}"
        keep_service = "no_service_mode" not in spec.features
        composed = [m for m in wrapper_mixins if m != "MixinNodeService" or keep_service]
        composed += [m for m in requested if m not in composed]
        mixins = tuple(composed)
        log.append(Decision("base", base.name, f"plain base with explicit mixins: {why}"))
        for mixin in mixins:
            if mixin in spec.mixins:
                source = "requested in mixins"
            elif mixin not in wrapper_mixins:
                source = f"publishes events: {events_reason}"
            else:
                source = "re-creates the wrapper's behaviour"
            log.append(Decision("mixin", mixin, source))
        clashes = composition_clashes(mixins)
        if clashes:
            raise SelectionError(f"these mixins cannot be bases together: {clashes[0]}; remove one from 'mixins'")

    log += integration_log
    variant = chosen[0].name if chosen is not None else None
    selection = Selection(spec.node_type, base, mixins, integrations, (), (), variant)
    decisions: list[Decision] = []
    for pattern in registry.REGISTRY:
        reason = pattern.applies(spec, selection)
        if reason is not None:
            selection = replace(selection, patterns=(*selection.patterns, pattern.name))
            if pattern.name not in integrations:  # an integration's decision is logged above
                decisions.append(Decision("pattern", pattern.name, reason))
        elif (skipped := pattern.declines(spec, selection)) is not None:
            log.append(Decision("feature", pattern.name, skipped))
    log += decisions
    for feature in spec.features:
        if feature in _NOT_GENERATED:
            log.append(Decision("feature", feature, _NOT_GENERATED[feature]))
    return replace(selection, log=tuple(log))


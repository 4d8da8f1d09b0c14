"""The mixin selector: spec -> base class, mixins, integrations and patterns.

Deterministic (the same spec always gives the same Selection) and explained:
every choice is recorded in ``Selection.log`` with its reason, which
``codegen-ast explain`` prints. Rules follow the seed plan (sections 4.1, 5.2,
6.2) mapped onto what omnibase-core 0.47.57 really has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from codegen_ast.errors import CodegenError
from codegen_ast.profiles import choose_profile
from codegen_ast.spec import NodeSpec
from codegen_ast.target import (
    BASE_CLASSES,
    MIXINS,
    NODE_TYPE_MIXINS,
    SERVICE_WRAPPERS,
    WRAPPER_MIXINS,
    Symbol,
)

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


class Decision(NamedTuple):
    """One choice of the selector and why (a NamedTuple: selection is hot)."""

    topic: str  # "base", "mixin", "integration", "pattern"
    choice: str
    reason: str


@dataclass(frozen=True)
class Selection:
    node_type: str
    base: Symbol  # the wrapper, or the plain NodeX of a custom composition
    mixins: tuple[str, ...]  # explicit mixins of a custom composition
    integrations: tuple[str, ...]  # in start order
    patterns: tuple[str, ...]  # in assembly order
    log: tuple[Decision, ...]
    variant: str | None = None  # the pattern profile (seed 6.1), if one applies

    @property
    def uses_wrapper(self) -> bool:
        return self.base in SERVICE_WRAPPERS.values()

    @property
    def bases(self) -> tuple[str, ...]:
        """The class's bases in MRO order (MixinNodeService first, as in the wrappers)."""
        front = tuple(m for m in self.mixins if m == "MixinNodeService")
        return (*front, self.base.name, *(m for m in self.mixins if m != "MixinNodeService"))

    @property
    def provides(self) -> frozenset[str]:
        """Every mixin the node class ends up with (wrapper's or explicit)."""
        own = set(WRAPPER_MIXINS[self.node_type]) if self.uses_wrapper else set()
        return frozenset(own | set(self.mixins))

    def as_dict(self) -> dict[str, object]:
        return {
            "node_type": self.node_type,
            "variant": self.variant,
            "base": f"{self.base.module}.{self.base.name}",
            "mixins": list(self.mixins),
            "integrations": list(self.integrations),
            "patterns": list(self.patterns),
            "log": [decision._asdict() for decision in self.log],
        }


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
        owner = NODE_TYPE_MIXINS.get(mixin)
        if owner is not None and owner != spec.node_type:
            raise SelectionError(
                f"mixin {mixin} belongs to {owner} nodes and cannot be added to a "
                f"{spec.node_type} node: remove it from 'mixins'"
            )
        if mixin == "MixinNodeService" and "no_service_mode" in spec.features:
            raise SelectionError(
                "mixins asks for MixinNodeService but features has no_service_mode: keep one of them"
            )
        if mixin not in MIXINS and mixin not in WRAPPER_MIXINS[spec.node_type]:
            supported = ", ".join(sorted(MIXINS))
            raise SelectionError(
                f"mixin {mixin} is not supported by codegen-ast yet (composable: {supported}): "
                "remove it from 'mixins'"
            )


def _declares_events(spec: NodeSpec) -> str | None:
    """Why the node publishes or consumes declared events, if it does."""
    if spec.events is not None and (spec.events.subscribes or spec.events.publishes):
        return "events are declared"
    if spec.step_events:
        return "workflow steps publish events"
    if spec.state_machine is not None:
        return "a state machine publishes an event per transition"
    return None


def select(spec: NodeSpec) -> Selection:
    """Choose base class, mixins, integrations and patterns for ``spec``."""
    _check_conflicts(spec)
    log: list[Decision] = []
    integrations, integration_log = detect_integrations(spec)
    chosen = choose_profile(spec, integrations, _words(spec.domain))
    variant_patterns: tuple[str, ...] = ()
    if chosen is not None:
        profile, why = chosen
        log.append(Decision("variant", profile.name, f"{why}: {profile.summary}"))
        added = [i for i in profile.integrations if i not in integrations]
        integration_log += [Decision("integration", i, f"the {profile.name} variant brings it") for i in added]
        integrations = tuple(i for i in _INTEGRATION_ORDER if i in integrations or i in added)
        variant_patterns = profile.patterns

    wrapper_mixins = WRAPPER_MIXINS[spec.node_type]
    requested = list(spec.mixins)
    events_reason = _declares_events(spec)
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
        for mixin in spec.mixins:
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

    log += integration_log
    provides = set(wrapper_mixins) if not custom else set(mixins)
    patterns = ["logging", "health_check_mode", *integrations]
    reasons = {
        "logging": "always: structured logs with node id and correlation id",
        "health_check_mode": "always: probes can start the node without its integrations",
    }
    if "circuit_breaker" in spec.features:
        if "http" in integrations:
            patterns.append("circuit_breaker")
            reasons["circuit_breaker"] = "circuit_breaker feature: http_call behind the framework's ModelCircuitBreaker"
        else:
            log.append(
                Decision(
                    "feature",
                    "circuit_breaker",
                    "skipped: the circuit breaker guards HTTP calls, and this node calls no HTTP service",
                )
            )
    if "consul" in spec.features or "consul" in spec.dependencies:
        patterns.append("consul")
        reasons["consul"] = "consul in features or dependencies"
    targets = [t for t, ok in (("event bus", "MixinEventBus" in provides), ("kafka", "kafka" in integrations)) if ok]
    wants_events = "events" in spec.features or "kafka" in integrations or "events" in variant_patterns
    if (wants_events or events_reason) and targets:
        patterns.append("events")
        why_events = events_reason or "events feature, kafka integration or variant"
        reasons["events"] = f"{why_events}; delivers to {' and '.join(targets)}"
    elif "events" in spec.features:
        log.append(
            Decision("feature", "events", f"skipped: a {spec.node_type} node has no event bus; add the kafka dependency to publish")
        )
    if integrations or "consul" in patterns or (spec.events is not None and spec.events.subscribes):
        patterns.append("lifecycle")
        reasons["lifecycle"] = "integrations and subscriptions to start in initialize() and stop in cleanup()"
    patterns.append("routing")
    reasons["routing"] = "always: one typed handler per operation"
    for pattern, reason in _declared_patterns(spec, variant_patterns, log):
        patterns.append(pattern)
        reasons[pattern] = reason
    patterns += ["errors", "metrics", "health"]
    reasons |= {
        "errors": "always: specific exceptions map to EnumCoreErrorCode",
        "metrics": "always: MixinMetrics counters and perf_counter durations",
        "health": f"always: self check{''.join(', ' + i for i in integrations)}"
        + (", consul" if "consul" in patterns else ""),
    }
    if base.name in ("ModelServiceEffect", "ModelServiceOrchestrator"):
        patterns.append("publish_event_fix")
        reasons["publish_event_fix"] = f"{base.name} shadows MixinEventBus logging (framework defect)"
    elif {"MixinNodeService", "MixinEventBus"} <= set(mixins):
        patterns.append("publish_event_fix")
        reasons["publish_event_fix"] = "MixinNodeService comes before MixinEventBus and shadows its logging (framework defect)"
    for pattern in patterns:
        if pattern in reasons:
            log.append(Decision("pattern", pattern, reasons[pattern]))
    for feature in spec.features:
        if feature in _NOT_GENERATED:
            log.append(Decision("feature", feature, _NOT_GENERATED[feature]))
    variant = chosen[0].name if chosen is not None else None
    return Selection(spec.node_type, base, mixins, integrations, tuple(patterns), tuple(log), variant)


def _declared_patterns(
    spec: NodeSpec, variant_patterns: tuple[str, ...], log: list[Decision]
) -> list[tuple[str, str]]:
    """Patterns that turn what the spec declares into working code."""
    chosen: list[tuple[str, str]] = []
    if spec.http_operations:
        chosen.append(("http_endpoints", f"{len(spec.http_operations)} operation(s) declare an endpoint"))
    if spec.events is not None and spec.events.subscribes:
        chosen.append(("event_handlers", f"{len(spec.events.subscribes)} subscribed event type(s)"))
    if spec.state_machine is not None:
        chosen.append(("transition_events", "a state machine: one event per transition"))
    if spec.workflow_operations:
        chosen.append(("workflow", f"{len(spec.workflow_operations)} operation(s) declare workflow steps"))
    cacheable = spec.node_type in ("compute", "reducer") and spec.state_machine is None
    if spec.cache is not None:
        chosen.append(("caching", f"cache declared: cache-aside, TTL {spec.cache_ttl_s} s"))
    elif "caching" in spec.features or "caching" in variant_patterns:
        why = "caching feature" if "caching" in spec.features else "the variant brings it"
        if cacheable:
            chosen.append(("caching", f"{why}: cache-aside, TTL {spec.cache_ttl_s} s"))
        elif "caching" in spec.features:
            log.append(
                Decision(
                    "feature",
                    "caching",
                    "skipped: cache-aside is generated for compute and reducer nodes without a state machine; "
                    "an effect's or orchestrator's answer depends on the outside world",
                )
            )
    return chosen

"""The records of the events feature: publishing, the transition event, consumed events, the publish_event fix."""

from __future__ import annotations

from codegen_ast import builders as b
from codegen_ast.declarative import kinds
from codegen_ast.decisions import Selection
from codegen_ast.patterns.events import declarative
from codegen_ast.patterns.contribution import Contribution, GeneratedTests, NodeContext
from codegen_ast.patterns.events.declared import (
    build_consumed_events,
    build_declared_events,
    build_transition_event,
    contract_sections,
)
from codegen_ast.patterns.events.handlers import build_event_files, build_event_tests
from codegen_ast.patterns.events.names import declares_events, topic_aware
from codegen_ast.patterns.events.publishing import DEFECTIVE_WRAPPERS, build_event_publishing, build_publish_event_fix
from codegen_ast.patterns.record import Earlier, Example, Pattern, PatternName
from codegen_ast.profiles import variant_brings
from codegen_ast.spec import NodeSpec


def _targets(selection: Selection) -> list[str]:
    """Where published events go: the bound event bus, Kafka."""
    return [
        target
        for target, present in (
            ("event bus", "MixinEventBus" in selection.provides),
            ("kafka", "kafka" in selection.integrations),
        )
        if present
    ]


def _events_apply(spec: NodeSpec, selection: Selection) -> str | None:
    declared = declares_events(spec)
    wants = (
        "events" in spec.features
        or "kafka" in selection.integrations
        or variant_brings(selection.variant, PatternName.EVENTS)
    )
    targets = _targets(selection)
    if (wants or declared) and targets:
        return f"{declared or 'events feature, kafka integration or variant'}; delivers to {' and '.join(targets)}"
    return None


def _events_declined(spec: NodeSpec, selection: Selection) -> str | None:
    if "events" in spec.features:
        return f"skipped: a {spec.node_type} node has no event bus; add the kafka dependency to publish"
    return None


def _build_events(context: NodeContext, earlier: Earlier) -> Contribution:
    selection = context.selection
    publishing = build_event_publishing(
        context,
        event_bus="MixinEventBus" in selection.provides,
        kafka="kafka" in selection.integrations,
        topics=topic_aware(context),
    )
    declared = build_declared_events(context)
    declared.contract = contract_sections(context)
    return publishing.then(declared)


EVENTS = Pattern(
    name=PatternName.EVENTS,
    summary="domain events in a ModelEventEnvelope with the correlation id, to the event bus and/or Kafka.",
    applies=_events_apply,
    declines=_events_declined,
    build=_build_events,
    example=Example(
        before="await self.publish_event(\"order.placed\")  # no envelope, no correlation id; a failure fails the operation",
        after="await self._publish_domain_event(EVENT_ORDER_PAID, payload, correlation_id, TOPIC_ONEX_EVT_PAYMENTS_ORDER_PAID_V1)",
    ),
    tests=("tests/test_events_declared.py", "tests/upgrade/test_upgrade_rules.py"),
    upgradable=True,
    declarative=declarative.build_declared,
)


def _transition_applies(spec: NodeSpec, selection: Selection) -> str | None:
    """Our spec's state machine publishes one event per transition; a contract's does not
    (it declares no such event, and nothing is invented: it publishes what it declares)."""
    return "a state machine: one event per transition" if spec.state_machine is not None and spec.declared is None else None


def _build_transition(context: NodeContext, earlier: Earlier) -> Contribution:
    return build_transition_event(context)


TRANSITION_EVENTS = Pattern(
    name=PatternName.TRANSITION_EVENTS,
    summary="a state-machine reducer publishes one event per successful transition",
    applies=_transition_applies,
    build=_build_transition,
    example=Example(
        before="transition, intents = await self._transition(request)",
        after=(
            "await self._publish_domain_event(EVENT_TRANSITION, {\"trigger\": operation, "
            "\"from_state\": transition.fsm_previous_state, \"to_state\": transition.fsm_state}, correlation_id)"
        ),
    ),
    tests=("tests/test_fsm_reducer.py",),
    declarative=kinds.build_reducer,
)


def _handlers_apply(spec: NodeSpec, selection: Selection) -> str | None:
    if spec.events is not None and spec.events.subscribes:
        return f"{len(spec.events.subscribes)} subscribed event type(s)"
    return None


def _build_handlers(context: NodeContext, earlier: Earlier) -> Contribution:
    imports = b.ImportSet()
    consumed = build_consumed_events(context).then(build_event_files(context))
    consumed.tests = GeneratedTests(imports=imports, tests=build_event_tests(context, imports))
    return consumed


EVENT_HANDLERS = Pattern(
    name=PatternName.EVENT_HANDLERS,
    summary=(
        "typed handlers for subscribed events: each message runs its operation through process, "
        "then is acked, or nacked when a later delivery may succeed."
    ),
    applies=_handlers_apply,
    build=_build_handlers,
    declarative=declarative.build_consumed,
    example=Example(
        before="async def process(self, input_data): ...   # events arrive nowhere",
        after=(
            "async def handle_event_message(self, message: ProtocolEventMessage) -> None:\n"
            "    handle = self._event_handlers.get(envelope.event_type)"
        ),
    ),
    tests=("tests/test_events_declared.py",),
)


def _fix_applies(spec: NodeSpec, selection: Selection) -> str | None:
    if selection.base.name in DEFECTIVE_WRAPPERS:
        return f"{selection.base.name} shadows MixinEventBus logging (framework defect)"
    if {"MixinNodeService", "MixinEventBus"} <= set(selection.mixins):
        return "MixinNodeService comes before MixinEventBus and shadows its logging (framework defect)"
    return None


def _build_fix(context: NodeContext, earlier: Earlier) -> Contribution:
    return build_publish_event_fix(context)


PUBLISH_EVENT_FIX = Pattern(
    name=PatternName.PUBLISH_EVENT_FIX,
    summary="the fix for the framework's publish_event defect on the Effect and Orchestrator wrappers",
    applies=_fix_applies,
    build=_build_fix,
    example=Example(
        before="await node.publish_event(\"orders.test_event\")  # delivered, then TypeError from _log_info",
        after="def _log_info(self, message: str, pattern: str | None = None) -> None: ...",
    ),
    tests=("tests/test_generated_package.py", "tests/upgrade/test_library_api.py"),
    upgradable=True,
)

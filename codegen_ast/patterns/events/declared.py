"""event_handlers: the events a spec declares, published and consumed.

Published (``events.publishes``): after an operation succeeds, ``process``
publishes exactly the event types declared to follow it (``after``, default
every operation), with the operation's declared output fields as payload and
the request's correlation id, to the event's ``topic`` (default
``ONEX_EVENTS_TOPIC``). With nothing declared the node keeps publishing
``<node>.<operation>.completed``. A reducer with a state machine publishes one
``<node>.transition`` event per successful transition ({trigger, from_state,
to_state}), besides the framework's intents.

Consumed (``events.subscribes``): ``initialize`` subscribes
``handle_event_message`` once per topic when the bound event bus can subscribe
(``ProtocolEventBusSubscriber``), with a node identity built from the
environment; ``cleanup`` unsubscribes (safe twice). Each delivered message is a
``ModelEventEnvelope`` in JSON: its event type picks a typed handler
(``handlers/handler_on_<event>.py``) that validates the payload into the event's
model and runs the operation through ``process`` (metrics, error mapping,
declared events). Success acks the message. Malformed JSON, a payload that does
not fit, or an unknown event type is logged at ERROR with the correlation id,
counted in ``events_rejected`` and acked: it can never be handled, and a nack
has the bus deliver it again -- on a partitioned log together with every later
message of its partition -- so one bad message would stall the topic for good.
A failed operation is counted in ``event_operations_failed``; when its error
code says it may pass later (a timeout, a service or database that is down, a
row another event has not created yet: ``REDELIVERY_CODES``) the message is
nack'ed to be delivered again, otherwise (a duplicate key, a validation error,
an invalid state) it would fail the same way for good, so it is dropped like a
malformed one. A handled message whose declared events could not be
published is nacked as well, so that its redelivery publishes them (at least
once). Nothing is raised out of the callback.

Before::

    async def process(self, input_data): ...   # events arrive nowhere

After::

    async def handle_event_message(self, message: ProtocolEventMessage) -> None:
        envelope = ModelEventEnvelope[dict[str, object]].model_validate_json(message.value)
        handle = self._event_handlers.get(event_type)
        await handle(envelope.payload, correlation_id)
        await self._settle_message(message, True, correlation_id)
"""

from __future__ import annotations

import re
from typing import Any
import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.files.models import output_fields
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.spec import NodeSpec
from codegen_ast.patterns.events.names import topic_name, topic_constants, event_constant, subscribed, tracks_undelivered, transition_event_type
from codegen_ast.patterns.events.subscriptions import build_subscriptions
from codegen_ast.target import ONEX_TOPIC_PATTERN


Statements = list[cst.BaseStatement]


TRANSITION_EVENT = "EVENT_TRANSITION"


ONEX_TOPIC = re.compile(ONEX_TOPIC_PATTERN)


def _publish(event: b.ExprLike, payload: b.ExprLike, topic: b.ExprLike | None = None) -> cst.BaseStatement:
    return b.do(
        b.await_(
            b.call("self._publish_domain_event", event, payload, "correlation_id", *([topic] if topic is not None else []))
        )
    )


def after_success(context: NodeContext) -> Statements:
    """What ``process`` publishes after a success when events are declared:
    the transition event, then the declared events of the operation. Empty
    when nothing is declared (the caller then publishes the completed event)."""
    spec = context.spec
    statements: Statements = []
    if spec.state_machine is not None and "transition_events" in context.selection.patterns:
        payload = b.dict_(
            {
                "trigger": b.name("operation"),
                "from_state": b.dotted("transition.fsm_previous_state"),
                "to_state": b.dotted("transition.fsm_state"),
            }
        )
        statements.append(_publish(TRANSITION_EVENT, payload))
    if spec.events is not None and spec.events.publishes:
        fields = b.call("output.model_dump", mode=b.string_literal("json"), include="PUBLISHED_FIELDS")
        publish: cst.BaseStatement = _publish("event_type", fields, "topic")
        if tracks_undelivered(context):
            sent = b.await_(b.call("self._publish_domain_event", "event_type", fields, "correlation_id", "topic"))
            publish = b.if_(b.not_(sent), [b.do(b.call("_note_undelivered", "event_type"))])
        statements.append(b.for_("event_type, topic", b.call("PUBLISHED_AFTER.get", "operation", b.tuple_()), [publish]))
    return statements


def _undelivered_tracking() -> Statements:
    note = b.function(
        "_note_undelivered",
        [Param("event_type", "str")],
        [
            b.assign("pending", b.call("UNDELIVERED_EVENTS.get")),
            b.if_(b.compare("pending", "is not", "None"), [b.do(b.call("pending.append", "event_type"))]),
        ],
        returns="None",
        doc="Remember an event the handling of the current message could not publish.",
    )
    return [
        b.with_leading_comment(
            b.assign(
                "UNDELIVERED_EVENTS",
                b.call("ContextVar", b.string_literal("undelivered_events"), default="None"),
                b.subscript("ContextVar", b.annotation("list[str] | None")),
            ),
            "the declared events the operation of the message being handled could not publish",
        ),
        note,
    ]


def _publishing_constants(context: NodeContext, topics: dict[str, str]) -> Statements:
    spec = context.spec
    if spec.events is None or not spec.events.publishes:
        return []
    table: dict[str, list[cst.BaseExpression]] = {}
    for event in spec.events.publishes:
        for operation in context.operations:
            if event.after is None or operation in event.after:
                table.setdefault(operation, []).append(b.tuple_(event_constant(event.event_type), topic_name(topics, event.topic)))
    fields = [b.string_literal(field.name) for field in output_fields(spec)]
    return [
        b.assign(
            "PUBLISHED_AFTER",
            b.dict_({context.spec.routed(operation): b.tuple_(*events) for operation, events in table.items()}),
            b.annotation("dict[str, tuple[tuple[str, str], ...]]"),
        ),
        b.with_leading_comment(
            b.assign("PUBLISHED_FIELDS", b.set_(*fields) if fields else b.call("set"), b.annotation("set[str]")),
            "a published event carries the operation's declared output fields",
        ),
    ]


def build_declared_events(context: NodeContext) -> Contribution:
    """Constants for the declared event types and topics, and what each operation publishes."""
    spec = context.spec
    topics = topic_constants(spec)
    types: list[str] = []
    if spec.events is not None:
        types = [e.event_type for e in spec.events.subscribes] + [e.event_type for e in spec.events.publishes]
    constants: Statements = [b.assign(event_constant(t), b.string_literal(t)) for t in dict.fromkeys(types)]
    constants += [b.assign(name, b.string_literal(topic)) for topic, name in topics.items()]
    return Contribution(module_statements=[*constants, *_publishing_constants(context, topics)])


def build_transition_event(context: NodeContext) -> Contribution:
    """The type of the event a state machine publishes per transition."""
    spec = context.spec
    if spec.state_machine is None or "events" not in context.selection.patterns:
        return Contribution()
    return Contribution(module_statements=[b.assign(TRANSITION_EVENT, b.string_literal(transition_event_type(spec)))])


def build_consumed_events(context: NodeContext) -> Contribution:
    """With subscribed events: the subscription, the message callback and its lifecycle step."""
    if not subscribed(context.spec):
        return Contribution()
    contribution = build_subscriptions(context, topic_constants(context.spec))
    if tracks_undelivered(context):
        contribution.module_statements += _undelivered_tracking()
        contribution.imports.add(("contextvars", "ContextVar"))
        contribution.counters.append("events_unpublished")
    return contribution


def default_events_topic(spec: NodeSpec) -> str:
    """EVENTS_TOPIC when ONEX_EVENTS_TOPIC is not set (see patterns/events.py)."""
    return f"onex.events.{spec.name}.v1"


def contract_sections(context: NodeContext) -> dict[str, Any]:
    """The declared events for the framework's contract model: the event types
    consumed and published (with their topics), and the event_bus topics when
    every one follows the ONEX topic convention the model enforces."""
    spec = context.spec
    if "events" not in context.selection.patterns:
        return {}
    consumed = subscribed(spec) if "event_handlers" in context.selection.patterns else []
    published: list[tuple[str, str]] = []
    if spec.state_machine is not None and "transition_events" in context.selection.patterns:
        published.append((transition_event_type(spec), default_events_topic(spec)))
    if spec.events is not None:
        published += [(e.event_type, e.topic or default_events_topic(spec)) for e in spec.events.publishes]
    sections: dict[str, Any] = {}
    subscribe_topics = list(dict.fromkeys(e.topic or default_events_topic(spec) for e in consumed))
    publish_topics = list(dict.fromkeys(topic for _, topic in published))
    if (subscribe_topics or publish_topics) and all(ONEX_TOPIC.fullmatch(t) for t in subscribe_topics + publish_topics):
        sections["event_bus"] = {
            "version": {"major": 1, "minor": 0, "patch": 0},
            "subscribe_topics": subscribe_topics,
            "publish_topics": publish_topics,
        }
    if consumed:
        sections["yaml_consumed_events"] = [e.event_type for e in consumed]
    if published:
        sections["yaml_published_events"] = [{"topic": topic, "event_type": event} for event, topic in published]
    return sections

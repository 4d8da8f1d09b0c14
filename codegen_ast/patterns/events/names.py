"""Names derived from declared events: constants, topics, payload models, handler classes and modules."""

from __future__ import annotations

import re
import libcst as cst

from codegen_ast import builders as b
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.spec import NodeSpec, SubscribedEventSpec


_NOT_WORD = re.compile(r"[^A-Za-z0-9]+")


def event_stem(event_type: str) -> str:
    """``payment.captured`` -> ``payment_captured``."""
    return event_type.replace(".", "_")


def event_camel(event_type: str) -> str:
    return "".join(part.capitalize() for part in event_stem(event_type).split("_"))


def event_constant(event_type: str) -> str:
    return "EVENT_" + event_stem(event_type).upper()


def payload_model(event_type: str) -> str:
    return f"Model{event_camel(event_type)}Event"


def payload_module(event_type: str) -> str:
    return f"model_{event_stem(event_type)}_event"


def handler_class(event_type: str) -> str:
    return f"HandlerOn{event_camel(event_type)}"


def handler_module(event_type: str) -> str:
    return f"handler_on_{event_stem(event_type)}"


def transition_event_type(spec: NodeSpec) -> str:
    return f"{spec.name}.transition"


def subscribed(spec: NodeSpec) -> list[SubscribedEventSpec]:
    return list(spec.events.subscribes) if spec.events is not None else []


def topic_aware(context: NodeContext) -> bool:
    """Whether ``_publish_domain_event`` takes a topic: any event is declared."""
    spec = context.spec
    declared = spec.events is not None and bool(spec.events.subscribes or spec.events.publishes)
    return declared or spec.state_machine is not None or bool(spec.step_events)


def topic_constants(spec: NodeSpec) -> dict[str, str]:
    """Declared topic -> its module constant (``orders.v1`` -> ``TOPIC_ORDERS_V1``)."""
    topics: list[str] = []
    if spec.events is not None:
        declared = [e.topic for e in spec.events.subscribes] + [e.topic for e in spec.events.publishes]
        topics = [topic for topic in declared if topic is not None]
    names: dict[str, str] = {}
    for topic in dict.fromkeys(topics):
        base = "TOPIC_" + _NOT_WORD.sub("_", topic).strip("_").upper()
        name, index = base, 2
        while name in names.values():  # orders.v1 and orders-v1
            name, index = f"{base}_{index}", index + 1
        names[topic] = name
    return names


def topic_name(topics: dict[str, str], topic: str | None) -> cst.BaseExpression:
    return b.name(topics[topic] if topic is not None else "EVENTS_TOPIC")


def tracks_undelivered(context: NodeContext) -> bool:
    """A node that consumes events and publishes declared ones redelivers a
    consumed message whose operation's events could not be published."""
    spec = context.spec
    return spec.events is not None and bool(spec.events.publishes) and "event_handlers" in context.selection.patterns


def declares_events(spec: NodeSpec) -> str | None:
    """Why the node publishes or consumes declared events, if it does."""
    if spec.events is not None and (spec.events.subscribes or spec.events.publishes):
        return "events are declared"
    if spec.step_events:
        return "workflow steps publish events"
    if spec.state_machine is not None and spec.declared is None:
        # a contract's state machine declares no event: none is invented for it
        return "a state machine publishes an event per transition"
    return None

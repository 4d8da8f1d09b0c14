"""Events through the framework's bus: a ModelEventEnvelope on a declared topic.

The bus is the one the runtime injects into the handler (``event_bus``); when it
injects none, the node's own publisher (``NodeResources.publisher``, a
``KafkaPublisher``) takes its place. A publish is bounded by
``EVENT_PUBLISH_TIMEOUT_S`` (5): a bus that hangs never holds the operation longer.
"""

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_core.protocols.event_bus.protocol_event_bus_headers import (
    ProtocolEventBusHeaders,
)

from onex_support.logs import EnumLogLevel, emit_log
from onex_support.values import Maybe

if TYPE_CHECKING:
    from onex_support.resources import NodeResources

__all__ = ["DeclaredEvent", "EventPublisher", "publish_event"]


class EventPublisher(Protocol):
    """What publishing needs of a bus: the ``publish`` of the framework's
    ProtocolEventBusPublisher (any bus the runtime injects has it)."""

    async def publish(
        self,
        topic: str,
        key: bytes | None,
        value: bytes,
        headers: ProtocolEventBusHeaders | None = None,
    ) -> None: ...


@dataclass(frozen=True)
class DeclaredEvent:
    """An event the contract declares: its type and the topic it goes to
    (one of ``event_bus.publish_topics``)."""

    event_type: str
    topic: str


async def publish_event(
    bus: EventPublisher | None,
    event: DeclaredEvent,
    payload: dict[str, object],
    correlation_id: Maybe[UUID],
    resources: "NodeResources",
    *,
    key: str | None = None,
) -> bool:
    """Publish ``payload`` in a ModelEventEnvelope to ``event.topic`` (keyed by
    ``key`` when given, so one entity's events keep their order); returns whether it
    was delivered. A failure or a timeout is logged and counted, never raised: a
    published event never fails the operation that produced it (callers that need
    delivery, such as saga steps, check the answer)."""
    publisher = bus if bus is not None else resources.publisher
    if publisher is None:
        emit_log(
            EnumLogLevel.DEBUG,
            "no event bus injected and no publisher declared: event not published",
            resources.node,
            correlation_id,
            event_type=event.event_type,
        )
        return False
    envelope = ModelEventEnvelope[dict[str, object]](
        payload=payload,
        correlation_id=correlation_id,
        event_type=event.event_type,
        source_tool=resources.node,
    )
    try:
        async with asyncio.timeout(resources.publish_timeout_s):
            await publisher.publish(
                event.topic,
                None if key is None else key.encode(),
                envelope.model_dump_json().encode(),
            )
    except Exception as error:
        resources.count("events_failed", {"event_type": event.event_type})
        reason = (
            f"timed out after {resources.publish_timeout_s} s"
            if isinstance(error, TimeoutError)
            else type(error).__name__
        )
        emit_log(
            EnumLogLevel.WARNING,
            f"publishing {event.event_type} failed: {reason}",
            resources.node,
            correlation_id,
            event_type=event.event_type,
            topic=event.topic,
        )
        return False
    resources.count("events_published", {"event_type": event.event_type})
    return True

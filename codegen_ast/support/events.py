"""Consuming events: subscribe per topic with the node's identity, settle each
message (ack, or nack to have it delivered again), drop one that can never be
handled.

A generated node with subscribed events carries these definitions: the
functions and ``REDELIVERY_CODES`` at module level of its ``node.py``, the
methods on its class. The identity settings come from the environment.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.mixins.mixin_event_bus import MixinEventBus
from omnibase_core.mixins.mixin_metrics import MixinMetrics
from omnibase_core.models.envelope.model_emitter_identity import ModelEmitterIdentity
from omnibase_core.protocols.event_bus.protocol_event_bus_subscriber import (
    ProtocolEventBusSubscriber,
)
from omnibase_core.protocols.event_bus.protocol_event_message import (
    ProtocolEventMessage,
)
from pydantic import ValidationError

NODE_NAME = "node"
ONEX_ENVIRONMENT_ENV = "ONEX_ENVIRONMENT"
ONEX_ENVIRONMENT_DEFAULT = "local"
ONEX_SERVICE_NAME_ENV = "ONEX_SERVICE_NAME"
ONEX_SERVICE_NAME_DEFAULT = "node"
ONEX_CONSUMER_GROUP_VERSION_ENV = "ONEX_CONSUMER_GROUP_VERSION"
ONEX_CONSUMER_GROUP_VERSION_DEFAULT = "v1"
# the topics of the subscribed events
SUBSCRIBED_TOPICS: tuple[str, ...] = ()
METRIC_EVENTS_REJECTED = "node.events_rejected"
# a failed operation with one of these codes may succeed later, so its message is delivered again
REDELIVERY_CODES = frozenset(
    {
        EnumCoreErrorCode.TIMEOUT,
        EnumCoreErrorCode.TIMEOUT_ERROR,
        EnumCoreErrorCode.NETWORK_ERROR,
        EnumCoreErrorCode.DATABASE_CONNECTION_ERROR,
        EnumCoreErrorCode.CACHE_CONNECTION_ERROR,
        EnumCoreErrorCode.CACHE_TIMEOUT_ERROR,
        EnumCoreErrorCode.SERVICE_UNAVAILABLE,
        EnumCoreErrorCode.DEPENDENCY_UNAVAILABLE,
        EnumCoreErrorCode.RESOURCE_UNAVAILABLE,
        EnumCoreErrorCode.RATE_LIMIT_ERROR,
        EnumCoreErrorCode.NOT_FOUND,
        EnumCoreErrorCode.OPERATION_FAILED,
    }
)


def node_identity() -> ModelEmitterIdentity:
    """The node's identity on the event bus, from the environment: the bus derives the consumer group from it ({env}.{service}.{node}.consume.{version})."""
    return ModelEmitterIdentity(
        env=os.getenv(ONEX_ENVIRONMENT_ENV, ONEX_ENVIRONMENT_DEFAULT),
        service=os.getenv(ONEX_SERVICE_NAME_ENV, ONEX_SERVICE_NAME_DEFAULT),
        node_name=NODE_NAME,
        version=os.getenv(
            ONEX_CONSUMER_GROUP_VERSION_ENV, ONEX_CONSUMER_GROUP_VERSION_DEFAULT
        ),
    )


def _validation_summary(error: ValidationError) -> str:
    """Where pydantic's first problem is and what it is, e.g. 'amount_paid: Input should be a valid decimal'."""
    first = error.errors(include_url=False)[0]
    location = ".".join([str(part) for part in first["loc"]]) or "message"
    problem = first["msg"]
    return f"{location}: {problem} ({error.error_count()} problem(s) in all)"



class EventConsumer(MixinEventBus[Any, Any], MixinMetrics):
    """The part of a node that consumes events: its subscriptions, its metrics
    and its structured log; ``handle_event_message`` is the node's own."""

    _subscriptions: list[tuple[str, Callable[[], Awaitable[None]]]]

    def _emit_log(
        self,
        level: EnumLogLevel,
        message: str,
        correlation_id: UUID | None = None,
        **context: object,
    ) -> None:
        """The node's structured log line (the logging pattern writes it)."""

    async def handle_event_message(self, message: ProtocolEventMessage) -> None:
        """Handle one delivered message (generated per node: its event types and handlers)."""

    async def _subscribe_events(self) -> None:
        """Subscribe handle_event_message once per topic of a subscribed event, when the bound bus can subscribe."""
        if self._subscriptions:
            return
        bus = self._get_event_bus()
        if not isinstance(bus, ProtocolEventBusSubscriber):
            self._emit_log(
                EnumLogLevel.WARNING,
                "no bound event bus can subscribe: subscribed events will not arrive",
                topics=",".join(dict.fromkeys(SUBSCRIBED_TOPICS)),
            )
            return
        identity = node_identity()
        for topic in dict.fromkeys(SUBSCRIBED_TOPICS):
            unsubscribe = await bus.subscribe(
                topic, identity, self.handle_event_message
            )
            self._subscriptions.append((topic, unsubscribe))
        self._emit_log(
            EnumLogLevel.INFO,
            "subscribed to events",
            topics=",".join(dict.fromkeys(SUBSCRIBED_TOPICS)),
        )

    async def _unsubscribe_events(self) -> None:
        """Cancel every subscription, newest first; one failure does not stop the rest; a second call does nothing."""
        subscriptions, self._subscriptions = self._subscriptions, []
        for topic, unsubscribe in reversed(subscriptions):
            try:
                await unsubscribe()
            except Exception as error:
                self._emit_log(
                    EnumLogLevel.WARNING,
                    f"unsubscribing from {topic} failed: {error!r}",
                    topic=topic,
                )


    async def _reject_event(
        self,
        message: ProtocolEventMessage,
        reason: str,
        correlation_id: UUID | None,
        event_type: str,
    ) -> None:
        """Count the message that can never be handled, log why (with the correlation id when known) and ack it, so that it does not come back."""
        self.increment_counter(METRIC_EVENTS_REJECTED)
        self._emit_log(
            EnumLogLevel.ERROR,
            f"rejected a message from {message.topic} and dropped it: {reason}",
            correlation_id,
            event_type=event_type,
            topic=message.topic,
        )
        # acked: a nack would have it delivered again (with the rest of its partition), to fail again
        await self._settle_message(message, True, correlation_id)

    async def _settle_message(
        self, message: ProtocolEventMessage, done: bool, correlation_id: UUID | None
    ) -> None:
        """Ack a message that is done with (handled, or dropped), nack one to be delivered again; a failure to do so is logged, never raised."""
        try:
            if done:
                await message.ack()
            elif hasattr(message, "nack"):
                # omnibase-core's in-memory buses deliver ModelEventMessage, which has ack() only
                await message.nack()
        except Exception as error:
            self._emit_log(
                EnumLogLevel.WARNING,
                f"settling the message failed: {error!r}",
                correlation_id,
                topic=message.topic,
            )


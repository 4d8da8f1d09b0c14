"""Answering the framework's discovery requests for a node (the imperative shape).

A node with the discovery feature (or ``capabilities`` in its contract) holds a
``DiscoveryResponder`` (``onex_support/discovery.py``, shared with the declarative
shape: the framework's ``MixinDiscoveryResponder`` given what it asks of a node,
with the framework's response defect mended). The node starts it on its bound
event bus in ``initialize()`` and stops it in ``cleanup()``
(:class:`DiscoveryParticipant`); the mixin does the protocol:
``NODE_DISCOVERY_REQUEST`` on the discovery command topic in, a response on the
discovery event topic out, rate limited, filtered by node type and capability.
``ask_discovery`` is the requester the generated tests use.

A generated node carries these definitions (and the responder) in its ``node.py``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from uuid import UUID, uuid4

from omnibase_core.constants.constants_topic_taxonomy import (
    TOPIC_DISCOVERY_COMMANDS,
    TOPIC_DISCOVERY_EVENTS,
)
from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.mixins import MixinDiscoveryResponder
from omnibase_core.mixins.mixin_event_bus import MixinEventBus
from omnibase_core.models.core.model_onex_event import ModelOnexEvent
from omnibase_core.models.envelope.model_emitter_identity import ModelEmitterIdentity
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_core.protocols.event_bus import ProtocolEventBus
from omnibase_core.protocols.event_bus.protocol_event_message import ProtocolEventMessage

from codegen_ast.support.events import node_identity  # spliced from there too: one definition


class DiscoveryParticipant(MixinEventBus[Any, Any]):
    """The part of a node that answers discovery requests: its responder, started on the bound bus."""

    _discovery: MixinDiscoveryResponder  # onex_support.discovery.DiscoveryResponder

    def _emit_log(
        self,
        level: EnumLogLevel,
        message: str,
        correlation_id: UUID | None = None,
        **context: object,
    ) -> None:
        """The node's structured log line (the logging pattern writes it)."""

    async def _start_discovery(self) -> None:
        """Answer discovery requests on the bound event bus, when it subscribes and publishes."""
        bus = self._get_event_bus()
        if not isinstance(bus, ProtocolEventBus):
            self._emit_log(
                EnumLogLevel.WARNING,
                "no bound event bus subscribes and publishes: discovery requests will not be answered",
            )
            return
        await self._discovery.start_discovery_responder(bus, node_identity())
        self._emit_log(
            EnumLogLevel.INFO,
            "answering discovery requests",
            capabilities=",".join(self._discovery.get_discovery_capabilities()),
        )

    async def _stop_discovery(self) -> None:
        """Stop answering discovery requests; a second call does nothing."""
        await self._discovery.stop_discovery_responder()


async def ask_discovery(
    bus: ProtocolEventBus, capabilities: Sequence[str], node_types: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Ask every node on ``bus`` for ``capabilities`` (and ``node_types``, when given): a
    NODE_DISCOVERY_REQUEST on the discovery command topic. Returns the metadata of the
    responses; the framework's in-memory bus delivers them before its publish() returns."""
    answers: list[dict[str, Any]] = []

    async def collect(message: ProtocolEventMessage) -> None:
        answers.append(json.loads(message.value.decode("utf-8"))["payload"]["data"])

    asker = ModelEmitterIdentity(env="local", service="discovery-client", node_name="asker", version="v1")
    unsubscribe = await bus.subscribe(TOPIC_DISCOVERY_EVENTS, asker, collect)
    try:
        request = ModelEventEnvelope(
            payload=ModelOnexEvent(event_type="NODE_DISCOVERY_REQUEST", node_id=uuid4())
        ).model_dump(mode="json")
        # the request's metadata goes where the responder reads it: payload.data, as sent
        request["payload"]["data"] = {
            "request_id": str(uuid4()),
            "requested_capabilities": list(capabilities),
            "node_types": None if node_types is None else list(node_types),
        }
        await bus.publish(TOPIC_DISCOVERY_COMMANDS, None, json.dumps(request).encode("utf-8"))
    finally:
        await unsubscribe()
    return answers

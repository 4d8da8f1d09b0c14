"""Answering the framework's discovery requests for a node.

A node with the discovery feature (or ``capabilities`` in its contract) holds a
:class:`DiscoveryResponder`: the framework's ``MixinDiscoveryResponder``,
given what it asks of a node (its id, version and type, its introspection, its
event channels, its health, its declared capabilities). The node starts it on
its bound event bus in ``initialize()`` and stops it in ``cleanup()``
(:class:`DiscoveryParticipant`); the mixin does the protocol:
``NODE_DISCOVERY_REQUEST`` on the discovery command topic in, a response on the
discovery event topic out, rate limited, filtered by node type and capability.

Held rather than inherited: as a base of the node, the mixin's
``get_health_status() -> str`` would clash with ``MixinHealthCheck``'s.

One framework defect is mended: omnibase-core 0.47.57 puts the response's
metadata into ``ModelOnexEvent.data``, whose model (``ModelEventData``) drops
every discovery field, so the requester receives an empty answer. The
responder sends the same response with the metadata kept in ``payload.data``,
where the mixin itself reads a request's.

A generated node carries these definitions in its ``node.py``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from uuid import UUID, uuid4

from omnibase_core.constants.constants_topic_taxonomy import (
    TOPIC_DISCOVERY_COMMANDS,
    TOPIC_DISCOVERY_EVENTS,
)
from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.mixins import MixinDiscoveryResponder
from omnibase_core.mixins.mixin_event_bus import MixinEventBus
from omnibase_core.models.core.model_discovery_request_response import (
    ModelDiscoveryRequestModelMetadata,
)
from omnibase_core.models.core.model_discoveryresponsemetadata import (
    ModelDiscoveryResponseModelMetadata,
)
from omnibase_core.models.core.model_event_channels import ModelEventChannels
from omnibase_core.models.core.model_event_type import create_event_type_from_registry
from omnibase_core.models.core.model_introspection_data import ModelIntrospectionData
from omnibase_core.models.core.model_onex_event import ModelOnexEvent
from omnibase_core.models.envelope.model_emitter_identity import ModelEmitterIdentity
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.models.primitives.model_semver import ModelSemVer
from omnibase_core.protocols.event_bus import ProtocolEventBus
from omnibase_core.protocols.event_bus.protocol_event_message import ProtocolEventMessage

from codegen_ast.support.events import node_identity  # spliced from there too: one definition

class DiscoveryResponder(MixinDiscoveryResponder):
    """The framework's discovery responder for one node: its introspection, health and declared capabilities."""

    def __init__(
        self,
        node_id: UUID,
        health_check: Callable[[], Awaitable[ModelHealthStatus]],
        introspection: ModelIntrospectionData,
        capabilities: Sequence[str],
    ) -> None:
        super().__init__()
        self._node_id = node_id
        self._health_check = health_check
        self._introspection = introspection
        self._capabilities = list(capabilities)
        self._health = "unknown"

    @property
    def node_id(self) -> UUID:
        return self._node_id

    @property
    def version(self) -> ModelSemVer:
        return self._introspection.node_version

    def get_node_type(self) -> str:
        return self._introspection.node_type

    def get_introspection_response(self) -> ModelIntrospectionData:
        return self._introspection

    def get_event_channels(self) -> ModelEventChannels:
        return ModelEventChannels(
            subscribes_to=[TOPIC_DISCOVERY_COMMANDS],
            publishes_to=[TOPIC_DISCOVERY_EVENTS],
        )

    def get_discovery_capabilities(self) -> list[str]:
        return list(self._capabilities)

    def get_health_status(self) -> str:
        """The node's health when the request being answered arrived: healthy, degraded or unhealthy."""
        return self._health

    async def _handle_discovery_request(
        self,
        envelope: ModelEventEnvelope[object],
        raw_envelope_dict: dict[str, object] | None = None,
    ) -> None:
        # the mixin asks get_health_status() synchronously, inside the event loop,
        # where the node's asynchronous checks cannot run: they run here, first
        try:
            health = await self._health_check()
            self._health = str(health.status).lower()
        except Exception:  # a failing check makes the node unhealthy; the request is still answered
            self._health = "unhealthy"
        await super()._handle_discovery_request(envelope, raw_envelope_dict)

    async def _send_discovery_response(
        self,
        original_event: ModelOnexEvent,
        request: ModelDiscoveryRequestModelMetadata,
    ) -> None:
        bus = self._discovery_event_bus
        if bus is None:
            return
        started = time.monotonic()
        channels = self.get_event_channels()
        metadata = ModelDiscoveryResponseModelMetadata(
            request_id=request.request_id,
            node_id=self.node_id,
            introspection=self._introspection,
            health_status=self.get_health_status(),
            capabilities=self.get_discovery_capabilities(),
            node_type=self.get_node_type(),
            version=self.version,
            event_channels=[*channels.subscribes_to, *channels.publishes_to],
            response_time_ms=(time.monotonic() - started) * 1000,
        )
        event = ModelOnexEvent(
            event_type=create_event_type_from_registry("DISCOVERY_RESPONSE"),
            node_id=self.node_id,
            correlation_id=original_event.correlation_id,
        )
        envelope = ModelEventEnvelope.create_broadcast(
            payload=event,
            source_node_id=self.node_id,
            correlation_id=original_event.correlation_id,
        ).model_dump(mode="json")
        envelope["payload"]["data"] = metadata.model_dump(mode="json")
        await bus.publish(
            topic=TOPIC_DISCOVERY_EVENTS,
            key=None,
            value=json.dumps(envelope).encode("utf-8"),
        )
        self._last_response_time = time.time()
        self._discovery_stats["responses_sent"] += 1


class DiscoveryParticipant(MixinEventBus[Any, Any]):
    """The part of a node that answers discovery requests: its responder, started on the bound bus."""

    _discovery: DiscoveryResponder

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

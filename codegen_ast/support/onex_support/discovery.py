"""Answering the framework's discovery requests.

``DiscoveryResponder`` is the framework's ``MixinDiscoveryResponder`` given what it
asks of a node: its id, version and type, its introspection, its event channels,
its health and its declared capabilities. The mixin does the protocol: a
``NODE_DISCOVERY_REQUEST`` in (filtered by the requested node types and
capabilities, one answer a second at most), a response on the discovery event
topic (``onex.discovery.events``) out.

In a declarative node the runtime delivers the requests: the contract routes the
discovery command topic (``onex.discovery.commands``) to the node's discovery
handler (``onex_support.handlers.DiscoveryHandler``), whose runtime-injected bus the
responder answers on. ``ModelDiscoveryCommand`` is the request as the runtime hands it
over: the framework's event, every field kept as sent (the request's metadata is in
its ``data``, which the framework's ``ModelOnexEvent`` would drop).

One framework defect is mended: omnibase-core 0.47.57 puts the response's
metadata into ``ModelOnexEvent.data``, whose model (``ModelEventData``) drops
every discovery field, so the requester receives an empty answer. The
responder sends the same response with the metadata kept in ``payload.data``,
where the mixin itself reads a request's.

Held rather than inherited: as a base of a node, the mixin's
``get_health_status() -> str`` would clash with ``MixinHealthCheck``'s.
"""

import json
import time
from collections.abc import Awaitable, Callable, Sequence
from uuid import UUID

from omnibase_core.constants.constants_topic_taxonomy import (
    TOPIC_DISCOVERY_COMMANDS,
    TOPIC_DISCOVERY_EVENTS,
)
from omnibase_core.mixins import MixinDiscoveryResponder
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
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.models.primitives.model_semver import ModelSemVer
from pydantic import BaseModel, ConfigDict

__all__ = ["ModelDiscoveryCommand", "DiscoveryResponder"]


class ModelDiscoveryCommand(BaseModel):
    """A message of the discovery command topic, as the runtime hands it over: the
    framework's event (``event_type``, ``node_id``, ``correlation_id``, ``data``...),
    every field kept as sent; the responder judges it."""

    model_config = ConfigDict(extra="allow", frozen=True)


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

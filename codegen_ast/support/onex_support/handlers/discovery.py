"""The handler of the framework's discovery requests, in the framework's handler shape.

The node's contract routes the discovery command topic to it, so the runtime
delivers every discovery request (``RuntimeLocal``: its event-driven path; a
production runtime: its routing of ``handler_routing``); it answers through the
framework's responder (``MixinDiscoveryResponder``: the filters, the rate limit,
the response) on the bus the runtime injects, with the node's introspection, its
health (its resources' checks, run before each answer) and its declared
capabilities. It returns nothing: the runtime publishes no answer of its own
(the response went to the discovery event topic), and a request that is not one,
or that the node does not match, is passed over without failing anything.
"""

from typing import TypeVar, cast
from uuid import UUID, uuid4

from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.core.model_introspection_data import ModelIntrospectionData
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.models.primitives.model_semver import ModelSemVer
from omnibase_core.protocols.event_bus import ProtocolEventBus, ProtocolEventBusPublisher

from onex_support.discovery import DiscoveryResponder, ModelDiscoveryCommand
from onex_support.handlers.operation import ResourceHolder
from onex_support.resources import NodeResources
from onex_support.values import Maybe

__all__ = ["DiscoveryHandler"]

ResourcesT = TypeVar("ResourcesT", bound=NodeResources)


class DiscoveryHandler(ResourceHolder[ResourcesT]):
    """Subclasses set ``registry`` and what the node declares: ``node_name``,
    ``node_type``, ``node_version`` (major, minor, patch), ``description``,
    ``operations`` and ``capabilities``."""

    node_name: str
    node_type: str
    node_version: tuple[int, int, int]
    description: str
    operations: tuple[str, ...]
    capabilities: tuple[str, ...]

    def __init__(
        self,
        container: Maybe[ModelONEXContainer] = None,
        event_bus: Maybe[ProtocolEventBusPublisher] = None,
    ) -> None:
        super().__init__(container, event_bus)
        self.node_id: UUID = uuid4()  # this running instance of the node
        major, minor, patch = self.node_version
        self.responder = DiscoveryResponder(
            self.node_id,
            self.node_health,
            ModelIntrospectionData(
                node_name=self.node_name,
                node_version=ModelSemVer(major=major, minor=minor, patch=patch),
                node_type=self.node_type,
                description=self.description,
                supported_operations=list(self.operations),
            ),
            self.capabilities,
        )
        # the runtime subscribes this handler to the requests; the responder only
        # answers, on the bus the runtime injected (it publishes, as the mixin does)
        self.responder._discovery_event_bus = cast(ProtocolEventBus | None, event_bus)

    async def node_health(self) -> ModelHealthStatus:
        """The node's health with its resources held, so the answer probes them (a
        failure to start them makes the answer say unhealthy)."""
        await self.initialize()
        return await self.health_check()

    async def handle(self, event: ModelDiscoveryCommand) -> None:
        """Answer ``event`` when it is a discovery request this node matches."""
        payload = event.model_dump(mode="json")
        envelope = ModelEventEnvelope[object](payload=payload)
        await self.responder._handle_discovery_request(envelope, {"payload": payload})

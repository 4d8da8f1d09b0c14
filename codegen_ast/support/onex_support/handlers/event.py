"""The handler of a consumed event: the event's fields become the request of one
operation, which runs as if it had been called.

Redelivery belongs to the runtime: a failure is raised (never swallowed, never
acknowledged here), so the framework's RuntimeDispatch redelivers the message up to
its ``max_retries`` and then sends it to the dead-letter topic. The request's
correlation id is the event's own when it carries one, else derived from the
event's content: a redelivered event makes the same request, so its HTTP calls
carry the same idempotency keys.
"""

import json
from typing import Any, Generic, TypeVar, cast
from uuid import NAMESPACE_URL, UUID, uuid5

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.protocols.event_bus import ProtocolEventBusPublisher
from pydantic import BaseModel, ValidationError

from onex_support.errors import onex_error, validation_summary
from onex_support.handlers.operation import (
    AnswerT,
    OperationHandler,
    RequestT,
    log_failure,
)
from onex_support.values import Maybe

__all__ = ["EventHandler"]

EventT = TypeVar("EventT", bound=BaseModel)
EVENT_NAMESPACE = uuid5(NAMESPACE_URL, "https://onex.local/consumed-event")


class EventHandler(Generic[EventT, RequestT, AnswerT]):
    """Subclasses set ``event_type``, ``target`` (the operation's handler class),
    ``request_type`` (the node's request model) and ``fields`` (the event fields
    the request takes, by the same name)."""

    event_type: str
    target: type[OperationHandler[RequestT, AnswerT, Any]]
    request_type: type[BaseModel]
    fields: tuple[str, ...]

    def __init__(
        self,
        container: Maybe[ModelONEXContainer] = None,
        event_bus: Maybe[ProtocolEventBusPublisher] = None,
    ) -> None:
        self.handler = self.target(container, event_bus)

    @property
    def is_initialized(self) -> bool:
        return self.handler.is_initialized

    async def initialize(self) -> None:
        await self.handler.initialize()

    async def shutdown(self) -> None:
        await self.handler.shutdown()

    async def health_check(self) -> ModelHealthStatus:
        return await self.handler.health_check()

    async def handle(self, event: EventT) -> AnswerT:
        """Run the target operation with the request the event makes."""
        request = self.request(event)
        answer = await self.handler.handle(request)
        if answer is None:
            raise onex_error(
                f"event {self.event_type!r}: the handler of "
                f"{self.target.operation!r} answered nothing",
                EnumCoreErrorCode.INTERNAL_ERROR,
                request.correlation_id,
                retryable=False,
            )
        return answer

    def correlation_id(self, event: EventT) -> UUID:
        """The event's correlation id, else one derived from its type and content
        (the same for every delivery of the same event)."""
        carried = getattr(event, "correlation_id", None)
        if isinstance(carried, UUID):
            return carried
        content = json.dumps(
            event.model_dump(mode="json"), sort_keys=True, separators=(",", ":")
        )
        return uuid5(EVENT_NAMESPACE, f"{self.event_type}:{content}")

    def request(self, event: EventT) -> RequestT:
        """The target operation's request: ``fields`` of the event, the operation,
        the correlation id. An event that cannot make one is a VALIDATION_ERROR
        (logged without its values)."""
        correlation_id = self.correlation_id(event)
        data = event.model_dump(include=set(self.fields))
        try:
            request = self.request_type.model_validate(
                {
                    **data,
                    "operation": self.target.operation,
                    "correlation_id": correlation_id,
                }
            )
        except ValidationError as error:
            failure = onex_error(
                f"event {self.event_type!r} does not make a "
                f"{self.target.operation!r} request: {validation_summary(error)}",
                EnumCoreErrorCode.VALIDATION_ERROR,
                correlation_id,
                event_type=self.event_type,
            )
            node = self.handler.registry.resources().node
            log_failure(failure, node, self.target.operation)
            raise failure from None
        return cast(RequestT, request)

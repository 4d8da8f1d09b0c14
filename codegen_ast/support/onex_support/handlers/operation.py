"""The framework's handler shape (typed request in, typed answer out) for operations.

``OperationHandler`` is the base of every ``handlers/handler_<operation>.py`` class:
the runtime (RuntimeLocal, or any runtime that reads ``handler_routing``) builds it
with no argument or with the ``event_bus`` it injects, and calls ``handle``. Around
the operation's own ``run`` it does what every operation needs: the node resources
(acquired on first use: RuntimeLocal's event-driven path never calls
``initialize``), metrics, the mapping of exceptions to framework errors, one log
line per failure at the level its outcome deserves, and the operation's declared
events.

``OperationRouter`` is the node's entry handler (``handler.py``, named by
``handler_routing.default_handler``): it routes a request to the handler of its
``operation``, for callers that hold one handler for the whole node.
"""

import time
from abc import ABC, abstractmethod
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.protocols.event_bus import ProtocolEventBusPublisher
from pydantic import BaseModel

from onex_support.errors import error_context, log_level, map_error, onex_error
from onex_support.events import DeclaredEvent, publish_event
from onex_support.logs import emit_log
from onex_support.resources import NodeResources, Registry
from onex_support.values import Maybe

__all__ = [
    "AnswerT",
    "OperationHandler",
    "OperationRequest",
    "OperationRouter",
    "RequestT",
    "ResourceHolder",
    "log_failure",
]

# what a failure's log line may carry from the error's context (never values)
LOGGED_CONTEXT = (
    "retryable",
    "sqlstate",
    "status_code",
    "route",
    "step",
    "field",
    "state",
    "integration",
    "exception_type",
    "raised_at",
)


class OperationRequest(Protocol):
    """What every node input model has: the operation to run, a correlation id,
    and pydantic's model_dump."""

    @property
    def operation(self) -> str: ...

    @property
    def correlation_id(self) -> UUID: ...

    def model_dump(
        self, *, mode: str = "python", include: Any = None, exclude: Any = None
    ) -> dict[str, Any]: ...


RequestT = TypeVar("RequestT", bound=OperationRequest)
AnswerT = TypeVar("AnswerT", bound=BaseModel)
ResourcesT = TypeVar("ResourcesT", bound=NodeResources)


def log_failure(error: ModelOnexError, node: str, operation: str) -> None:
    """One line for a failed operation: INFO when the caller caused it (NOT_FOUND,
    VALIDATION_ERROR...), WARNING when trying again may pass, ERROR otherwise; its
    message and safe context only (codes, SQLSTATE, status, route; no values)."""
    context = error_context(error)
    emit_log(
        log_level(error),
        error.message,
        node,
        error.correlation_id,
        operation=operation,
        error_code=str(error.error_code),
        **{key: context[key] for key in LOGGED_CONTEXT if key in context},
    )


class ResourceHolder(Generic[ResourcesT]):
    """A handler of the node: built by the runtime with no argument or with the
    ``event_bus`` it injects; it holds the node resources of ``registry`` from
    ``initialize()`` (or its first use) to ``shutdown()``."""

    registry: Registry[ResourcesT]

    def __init__(
        self,
        container: Maybe[ModelONEXContainer] = None,
        event_bus: Maybe[ProtocolEventBusPublisher] = None,
    ) -> None:
        self.container = container
        self.event_bus = event_bus
        self._resources: ResourcesT | None = None

    @property
    def is_initialized(self) -> bool:
        """RuntimeLocal reads this before calling ``initialize``."""
        return self._resources is not None

    async def initialize(self) -> None:
        """Acquire the node resources (the first holder starts them); idempotent."""
        if self._resources is None:
            resources = self.registry.resources()
            await resources.acquire()
            self._resources = resources

    async def shutdown(self) -> None:
        """Release the node resources (the last holder stops them); idempotent."""
        resources, self._resources = self._resources, None
        if resources is not None:
            await resources.release()

    async def health_check(self) -> ModelHealthStatus:
        """The node's health: itself and every integration it depends on."""
        return await self.registry.resources().health_check_async()


class OperationHandler(ResourceHolder[ResourcesT], ABC, Generic[RequestT, AnswerT, ResourcesT]):
    """The handler of one operation; subclasses set ``operation``, ``registry``,
    optionally ``events``, and write ``run``."""

    operation: str
    events: tuple[DeclaredEvent, ...] = ()

    async def handle(self, request: RequestT) -> AnswerT | None:
        """Run the operation; None for another operation's request (a runtime that
        does not route by operation delivers every command of the node's topic to
        every operation handler)."""
        if request.operation != self.operation:
            return None
        await self.initialize()
        resources = self.registry.resources()
        tags = {"operation": self.operation}
        started = time.perf_counter()
        succeeded = False
        try:
            answer = await self.run(request, resources)
            succeeded = True
        except ModelOnexError as error:
            log_failure(error, resources.node, self.operation)
            raise
        except Exception as error:
            wrapped = map_error(
                error, resources.classifiers, self.operation, request.correlation_id
            )
            log_failure(wrapped, resources.node, self.operation)
            # from None: the original's text may quote request values
            raise wrapped from None
        finally:
            resources.count("operations", tags)
            resources.count("successes" if succeeded else "failures", tags)
            resources.record_histogram(
                f"{resources.node}.duration_ms",
                (time.perf_counter() - started) * 1000.0,
                tags,
            )
        for event in self.events:
            await publish_event(
                self.event_bus,
                event,
                self.event_payload(request, answer),
                request.correlation_id,
                resources,
            )
        return answer

    @abstractmethod
    async def run(self, request: RequestT, resources: ResourcesT) -> AnswerT:
        """The operation itself."""

    @staticmethod
    def declared_fields(request: OperationRequest) -> dict[str, object]:
        """The request's declared fields (not the operation, not the correlation id)."""
        return request.model_dump(mode="json", exclude={"operation", "correlation_id"})

    def event_payload(self, request: RequestT, answer: AnswerT) -> dict[str, object]:
        """The payload of the operation's declared events: its answer."""
        return answer.model_dump(mode="json")


class OperationRouter(Generic[RequestT, AnswerT]):
    """The node's entry handler: one handler per operation in ``routes``, chosen by
    the request's ``operation``."""

    routes: tuple[type[OperationHandler[RequestT, AnswerT, Any]], ...]

    def __init__(
        self,
        container: Maybe[ModelONEXContainer] = None,
        event_bus: Maybe[ProtocolEventBusPublisher] = None,
    ) -> None:
        self.handlers = {
            route.operation: route(container, event_bus) for route in self.routes
        }

    @property
    def is_initialized(self) -> bool:
        return all(handler.is_initialized for handler in self.handlers.values())

    async def initialize(self) -> None:
        for handler in self.handlers.values():
            await handler.initialize()

    async def shutdown(self) -> None:
        for handler in reversed(self.handlers.values()):
            await handler.shutdown()

    async def health_check(self) -> ModelHealthStatus:
        """The node's health (its handlers share one resources object)."""
        status: ModelHealthStatus = (
            await self.routes[0].registry.resources().health_check_async()
        )
        return status

    async def handle(self, request: RequestT) -> AnswerT:
        handler = self.handlers.get(request.operation)
        if handler is None:
            expected = ", ".join(self.handlers)
            raise onex_error(
                f"unknown operation {request.operation!r}; expected one of {expected}",
                EnumCoreErrorCode.INVALID_OPERATION,
                request.correlation_id,
                operation=request.operation,
            )
        answer = await handler.handle(request)
        if answer is None:
            raise onex_error(
                f"the handler of {request.operation!r} answered nothing",
                EnumCoreErrorCode.INTERNAL_ERROR,
                request.correlation_id,
            )
        return answer

"""What a node's handlers are given: its integrations, started once and shared.

A node's ``registry/`` module declares a ``NodeResources`` subclass holding the
node's integrations (a PostgreSQL pool, an HTTP API, a Redis client...) and a
``Registry`` that hands the one shared instance to every handler of the node.
Handlers ``acquire`` it (the first start starts every integration, in order) and
``release`` it (the last one stops them, in reverse order). Health checks and
metrics go through the framework's own MixinHealthCheck and MixinMetrics.

Settings: ``ONEX_HEALTH_CHECK_MODE`` (false), ``HEALTH_CHECK_TIMEOUT_S`` (5),
``EVENT_PUBLISH_TIMEOUT_S`` (5).
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar, cast

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.mixins import MixinHealthCheck
from omnibase_core.mixins.mixin_metrics import MixinMetrics
from omnibase_core.models.health.model_health_issue import ModelHealthIssue
from omnibase_core.models.health.model_health_status import ModelHealthStatus

from onex_support.errors import Classification, Classifier, Failure, onex_error
from onex_support.events import EventPublisher
from onex_support.logs import EnumLogLevel, emit_log
from onex_support.settings import setting_bool, setting_float
from onex_support.values import Maybe

__all__ = ["NodeResources", "Registry", "Resource", "health_check_mode"]

HealthCheck = Callable[[], ModelHealthStatus | asyncio.Future[ModelHealthStatus]]


def health_check_mode() -> bool:
    """ONEX_HEALTH_CHECK_MODE: start nothing expensive, answer health checks only."""
    return setting_bool("ONEX_HEALTH_CHECK_MODE", False)


class Resource(Protocol):
    """One integration of a node: created from the environment, started, probed,
    stopped; it classifies its own exceptions."""

    @property
    def name(self) -> str: ...

    @property
    def critical(self) -> bool:
        """Whether the node is UNHEALTHY when it fails its probe (else DEGRADED)."""
        ...

    @property
    def start_error(self) -> EnumCoreErrorCode:
        """The code of a failure to start it that it does not classify itself."""
        ...

    @property
    def started(self) -> bool: ...

    def classify(self, error: BaseException) -> Classification:
        """The failure ``error`` is, when it comes from this integration."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None:
        """Release it; a second call does nothing."""
        ...

    async def probe(self) -> None:
        """Raise when it does not answer (SELECT 1, PING, metadata...)."""
        ...


class NodeResources(MixinHealthCheck, MixinMetrics):
    """The integrations of one node, shared by its handlers: started by the first
    acquire, stopped by the last release, probed by the health checks.

    ``publisher`` publishes the node's events when the runtime injects no bus (a
    ``KafkaPublisher`` among ``resources``)."""

    def __init__(
        self,
        node: str,
        *resources: Resource,
        publisher: Maybe[EventPublisher] = None,
    ) -> None:
        super().__init__()
        self.node = node
        self.resources = resources
        self.publisher = publisher
        self.health_check_mode = health_check_mode()
        self.health_timeout_s = setting_float(
            "HEALTH_CHECK_TIMEOUT_S", 5.0, positive=True
        )
        self.publish_timeout_s = setting_float(
            "EVENT_PUBLISH_TIMEOUT_S", 5.0, positive=True
        )
        self._users = 0
        self._lock = asyncio.Lock()
        self._keeper: asyncio.Task[None] | None = None

    @property
    def classifiers(self) -> tuple[Classifier, ...]:
        """Every integration's classifier, in declaration order."""
        return tuple(resource.classify for resource in self.resources)

    @property
    def users(self) -> int:
        """How many handlers hold the resources now."""
        return self._users

    async def acquire(self) -> None:
        """The first holder starts every integration in order (none in health check
        mode); a failure stops what was started and raises with its code."""
        async with self._lock:
            if self._users == 0 and not self.health_check_mode:
                await self._start_all()
            self._users += 1

    async def release(self) -> None:
        """The last holder stops every integration in reverse order; safe to over-call."""
        async with self._lock:
            if self._users == 0:
                return
            self._users -= 1
            if self._users == 0:
                await self._stop_all()

    async def _keep(self) -> None:
        """Stop the integrations when the event loop ends (asyncio.run cancels this
        task): a runtime that never calls the handlers' shutdown (RuntimeLocal
        0.47.57 does not) still closes its pools and clients."""
        try:
            await asyncio.Event().wait()
        finally:
            if self._users:
                self._users = 0
                await self._stop_all()

    async def _start_all(self) -> None:
        for resource in self.resources:
            try:
                await resource.start()
            except Exception as error:
                await self._stop_all()
                if isinstance(error, ModelOnexError):
                    raise
                failure = resource.classify(error)
                code = resource.start_error if failure is None else failure.code
                detail = type(error).__name__ if failure is None else failure.detail
                emit_log(
                    EnumLogLevel.ERROR,
                    f"could not start {resource.name}: {detail}",
                    self.node,
                    integration=resource.name,
                    error_code=str(code),
                )
                raise onex_error(
                    f"could not start {resource.name}: {detail}",
                    code,
                    retryable=True,
                    integration=resource.name,
                ) from None
        if self._keeper is None or self._keeper.done():
            self._keeper = asyncio.create_task(
                self._keep(), name=f"{self.node}.resources"
            )
        emit_log(EnumLogLevel.INFO, "node resources started", self.node)

    async def _stop_all(self) -> None:
        """Stop in reverse order; one failure does not stop the rest."""
        for resource in reversed(self.resources):
            try:
                await resource.stop()
            except Exception as error:
                emit_log(
                    EnumLogLevel.WARNING,
                    f"stopping {resource.name} failed: {type(error).__name__}",
                    self.node,
                    integration=resource.name,
                )

    def get_health_checks(self) -> list[HealthCheck]:
        """Self, then every integration (not in health check mode)."""
        checks: list[Callable[[], ModelHealthStatus | Awaitable[ModelHealthStatus]]] = [
            self._check_self
        ]
        if not self.health_check_mode:
            checks += [self._prober(resource) for resource in self.resources]
        # MixinHealthCheck awaits coroutine checks, though its annotation names Future
        return cast(list[HealthCheck], checks)

    def _check_self(self) -> ModelHealthStatus:
        return ModelHealthStatus.create_healthy(score=1.0)

    def _prober(self, resource: Resource) -> Callable[[], Awaitable[ModelHealthStatus]]:
        async def probe() -> ModelHealthStatus:
            """DEGRADED before start; when the probe fails or times out UNHEALTHY
            (DEGRADED for an integration the node can run without)."""
            if not resource.started:
                return ModelHealthStatus.create_degraded(
                    issues=[
                        ModelHealthIssue.create_connectivity_issue(
                            message=f"{resource.name} is not started",
                            severity="medium",
                        )
                    ]
                )
            try:
                async with asyncio.timeout(self.health_timeout_s):
                    await resource.probe()
            except Exception as error:
                failure = resource.classify(error)
                detail = type(error).__name__ if failure is None else failure.detail
                issue = ModelHealthIssue.create_connectivity_issue(
                    message=f"{resource.name} health check failed: {detail}",
                    severity="critical" if resource.critical else "medium",
                )
                if resource.critical:
                    return ModelHealthStatus.create_unhealthy(score=0.0, issues=[issue])
                return ModelHealthStatus.create_degraded(issues=[issue])
            return ModelHealthStatus.create_healthy(score=1.0)

        probe.__name__ = f"check_{resource.name}"
        return probe

    def metric(self, name: str) -> float:
        """The recorded value of ``<node>.<name>``, 0.0 when never recorded."""
        entry = self.get_metrics().get(f"{self.node}.{name}")
        return 0.0 if entry is None else float(entry["value"])

    def count(self, name: str, tags: dict[str, str] | None = None) -> None:
        """Add one to the counter ``<node>.<name>``."""
        self.increment_counter(f"{self.node}.{name}", tags=tags)


ResourcesT = TypeVar("ResourcesT", bound=NodeResources)


class Registry(Generic[ResourcesT]):
    """Hands the one shared resources object of a node to its handlers.

    One per event loop: a pool or client belongs to the loop it was opened in, and a
    process may run several loops one after the other (each ``RuntimeLocal.run()``
    is an ``asyncio.run``)."""

    def __init__(self, factory: Callable[[], ResourcesT]) -> None:
        self._factory = factory
        self._shared: dict[asyncio.AbstractEventLoop, ResourcesT] = {}

    def resources(self) -> ResourcesT:
        """The shared resources of the running loop, created (not started) on first use."""
        loop = asyncio.get_running_loop()
        for other in [other for other in self._shared if other.is_closed()]:
            del self._shared[other]
        shared = self._shared.get(loop)
        if shared is None:
            shared = self._shared[loop] = self._factory()
        return shared

    def provide(self, resources: ResourcesT) -> None:
        """Use ``resources`` in the running loop (tests, or a caller that built its own)."""
        self._shared[asyncio.get_running_loop()] = resources

    def reset(self) -> None:
        """Forget every shared resources object; the next handler creates new ones."""
        self._shared.clear()

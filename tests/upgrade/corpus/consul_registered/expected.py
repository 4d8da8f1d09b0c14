"""A node that should register itself with Consul."""

from __future__ import annotations

import asyncio
import functools
import os
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Concatenate, cast
from uuid import UUID

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes.node_service_effect import ModelServiceEffect
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.enums.enum_node_lifecycle_status import EnumNodeLifecycleStatus
from omnibase_core.errors import ModelOnexError
from omnibase_core.logging.logging_structured import emit_log_event_sync
from omnibase_core.mixins.mixin_event_bus import MixinEventBus
from omnibase_core.mixins.mixin_node_service import MixinNodeService
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.health.model_health_issue import ModelHealthIssue
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.types.typed_dict_mixin_types import TypedDictMetricEntry
from pydantic import ValidationError


def consul_available() -> bool:
    try:
        import consul  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return True

NODE_NAME = "directory"
HEALTH_CHECK_MODE_ENV = "ONEX_HEALTH_CHECK_MODE"
HEALTH_CHECK_TIMEOUT_ENV = "HEALTH_CHECK_TIMEOUT_S"
TRUE_VALUES = frozenset({"1", "true", "yes", "on"})


def _detect_health_check_mode(container: ModelONEXContainer) -> bool:
    """The container's config decides; otherwise the environment variable."""
    configured = container.config.get("health_check_mode")
    if configured is not None:
        return bool(configured)
    flag = os.getenv(HEALTH_CHECK_MODE_ENV, "").strip().lower()
    return flag in TRUE_VALUES


CONSUL_HOST_ENV = "CONSUL_HOST"
CONSUL_HOST_DEFAULT = "127.0.0.1"
CONSUL_PORT_ENV = "CONSUL_PORT"
CONSUL_PORT_DEFAULT = "8500"
CONSUL_ENABLE_REGISTRATION_ENV = "CONSUL_ENABLE_REGISTRATION"
CONSUL_ENABLE_REGISTRATION_DEFAULT = "true"
SERVICE_HOST_ENV = "SERVICE_HOST"
SERVICE_HOST_DEFAULT = "127.0.0.1"
SERVICE_PORT_ENV = "SERVICE_PORT"
SERVICE_PORT_DEFAULT = "8060"


def _consul_agent() -> Any:
    """The py-consul agent API (imported here: the library is optional)."""
    import consul  # type: ignore[import-untyped, unused-ignore]

    client = consul.Consul(
        host=os.getenv(CONSUL_HOST_ENV, CONSUL_HOST_DEFAULT),
        port=int(os.getenv(CONSUL_PORT_ENV, CONSUL_PORT_DEFAULT)),
    )
    return client.agent


def _consul_register(service_id: str) -> None:
    """Register this node's service with the local Consul agent."""
    import consul  # type: ignore[import-untyped, unused-ignore]

    agent = _consul_agent()
    host = os.getenv(SERVICE_HOST_ENV, SERVICE_HOST_DEFAULT)
    port = int(os.getenv(SERVICE_PORT_ENV, SERVICE_PORT_DEFAULT))
    agent.service.register(
        "onex-directory",
        service_id=service_id,
        address=host,
        port=port,
        tags=["onex", "effect", "version:1.0.0", "directory"],
        check=consul.Check.http(
            f"http://{host}:{port}/health", interval="30s", timeout="5s"
        ),
    )


def _consul_deregister(service_id: str) -> None:
    """Remove this node's service from the local Consul agent."""
    _consul_agent().service.deregister(service_id)


def _consul_service_ids() -> set[str]:
    """The service ids the local Consul agent knows."""
    services: dict[str, Any] = _consul_agent().services()
    return set(services)


def _record_metrics[**P, R](
    entry: Callable[Concatenate[Any, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, R]]:
    """Count every call of ``entry``, its outcome and duration (the node's _record_operation)."""
    operation: str = getattr(entry, "__name__", "process")

    @functools.wraps(entry)
    async def recorded(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> R:
        started = time.perf_counter()
        succeeded = False
        try:
            result = await entry(self, *args, **kwargs)
            succeeded = True
            return result
        finally:
            await self._record_operation(operation, started, succeeded)

    return recorded


def _map_errors[**P, R](
    entry: Callable[Concatenate[Any, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, R]]:
    """Turn exceptions escaping ``entry`` into ModelOnexError with specific codes (the node's _wrap_error)."""
    operation: str = getattr(entry, "__name__", "process")

    @functools.wraps(entry)
    async def mapped(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> R:
        found = getattr(args[0], "correlation_id", None) if args else None
        correlation_id = found if isinstance(found, UUID) else None
        try:
            return await entry(self, *args, **kwargs)
        except ModelOnexError as error:
            self._emit_log(
                EnumLogLevel.ERROR,
                error.message,
                error.correlation_id,
                operation=operation,
                error_code=str(error.error_code),
            )
            raise
        except ValidationError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.VALIDATION_ERROR, operation, correlation_id
            ) from error
        except TimeoutError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.TIMEOUT, operation, correlation_id
            ) from error
        except Exception as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.OPERATION_FAILED, operation, correlation_id
            ) from error

    return mapped


METRIC_OPERATIONS = "directory.operations"
METRIC_SUCCESSES = "directory.successes"
METRIC_FAILURES = "directory.failures"
METRIC_DURATION_MS_LAST = "directory.duration_ms_last"
METRIC_DURATION_MS_TOTAL = "directory.duration_ms_total"


def _metric_value(recorded: dict[str, TypedDictMetricEntry], name: str) -> float:
    """The recorded value of one metric, 0.0 when it was never recorded."""
    entry = recorded.get(name)
    return 0.0 if entry is None else float(entry["value"])


_UNHEALTHY_STATES = frozenset(
    {
        EnumNodeLifecycleStatus.FAILED.value,
        EnumNodeLifecycleStatus.CLEANED_UP.value,
        EnumNodeLifecycleStatus.CLEANUP_FAILED.value,
    }
)


class NodeDirectoryEffect(ModelServiceEffect):
    """Answers who is on call."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Set up state only: no network I/O happens before initialize()."""
        super().__init__(container)
        self._health_check_mode = _detect_health_check_mode(container)
        self._health_timeout_s = float(os.getenv(HEALTH_CHECK_TIMEOUT_ENV, "5"))
        self._consul_service_id: str | None = None
        self._started = False
        self._duration_ms_total = 0.0

    @_record_metrics
    @_map_errors
    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        return ModelEffectOutput(
            result={"on_call": "nobody", "consul": consul_available()},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

    def _emit_log(
        self,
        level: EnumLogLevel,
        message: str,
        correlation_id: UUID | None = None,
        **context: object,
    ) -> None:
        """One structured log line with the node id and correlation id."""
        emit_log_event_sync(
            level,
            message,
            {
                "node_id": str(self.node_id),
                "node": NODE_NAME,
                "correlation_id": (
                    None if correlation_id is None else str(correlation_id)
                ),
                **context,
            },
        )

    async def _register_with_consul(self) -> None:
        """Register with Consul; failures are logged and never stop the node."""
        enabled = (
            os.getenv(
                CONSUL_ENABLE_REGISTRATION_ENV, CONSUL_ENABLE_REGISTRATION_DEFAULT
            ).lower()
            in TRUE_VALUES
        )
        if not enabled:
            self._emit_log(
                EnumLogLevel.INFO,
                "consul registration disabled by CONSUL_ENABLE_REGISTRATION",
            )
            return
        service_id = f"onex-directory-{self.node_id}"
        try:
            await asyncio.to_thread(_consul_register, service_id)
            self._consul_service_id = service_id
            self._emit_log(
                EnumLogLevel.INFO, "registered with consul", service_id=service_id
            )
        except ImportError:
            self._emit_log(
                EnumLogLevel.WARNING,
                "py-consul is not installed: consul registration skipped",
            )
        except Exception as error:
            self._emit_log(
                EnumLogLevel.ERROR,
                f"consul registration failed, continuing without it: {error}",
                error_type=type(error).__name__,
            )

    async def _deregister_from_consul(self) -> None:
        """Deregister from Consul; a second call does nothing."""
        service_id = self._consul_service_id
        if service_id is None:
            return
        self._consul_service_id = None
        try:
            await asyncio.to_thread(_consul_deregister, service_id)
            self._emit_log(
                EnumLogLevel.INFO, "deregistered from consul", service_id=service_id
            )
        except Exception as error:
            self._emit_log(
                EnumLogLevel.WARNING, f"consul deregistration failed: {error}"
            )

    async def _check_consul_health(self) -> ModelHealthStatus:
        """HEALTHY while the local agent lists this node's service."""
        service_id = self._consul_service_id
        if service_id is None:
            return ModelHealthStatus.create_degraded(
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message="not registered with consul", severity="medium"
                    )
                ]
            )
        try:
            async with asyncio.timeout(self._health_timeout_s):
                known = await asyncio.to_thread(_consul_service_ids)
        except Exception as error:
            return ModelHealthStatus.create_unhealthy(
                score=0.0,
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message=f"consul agent unreachable: {error}",
                        severity="critical",
                    )
                ],
            )
        if service_id not in known:
            return ModelHealthStatus.create_unhealthy(
                score=0.0,
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message="the consul agent no longer lists this node",
                        severity="critical",
                    )
                ],
            )
        return ModelHealthStatus.create_healthy(score=1.0)

    async def initialize(self) -> None:
        """Start every integration in order; a second call does nothing."""
        if self._started:
            return
        await super().initialize()
        if self._health_check_mode:
            self._emit_log(
                EnumLogLevel.INFO, "health check mode: integrations are not started"
            )
            self._started = True
            return
        await self._register_with_consul()
        self._started = True
        self._emit_log(EnumLogLevel.INFO, "node started", integrations="")

    async def cleanup(self) -> None:
        """Release every resource in reverse order, even when one step fails; safe to call twice."""
        await self._deregister_from_consul()
        await self._stop_integrations()
        self._started = False
        await super().cleanup()

    async def _stop_integrations(self) -> None:
        """Nothing to stop: the node has no client integrations."""

    async def start_service_mode(self) -> None:
        """Start the integrations, then serve (MixinNodeService)."""
        await self.initialize()
        await super().start_service_mode()

    async def stop_service_mode(self) -> None:
        """Stop serving, then release every integration."""
        try:
            await super().stop_service_mode()
        finally:
            await self.cleanup()

    def _wrap_error(
        self,
        error: Exception,
        code: EnumCoreErrorCode,
        operation: str,
        correlation_id: UUID | None,
    ) -> ModelOnexError:
        """Log ``error`` and turn it into a ModelOnexError with ``code``; neither repeats the request's values."""
        exception_type = type(error).__name__
        problems: list[str] = []
        if isinstance(error, ValidationError):
            for item in error.errors(
                include_url=False, include_input=False, include_context=False
            ):
                where = ".".join([str(part) for part in item["loc"]])
                problems.append(where + ": " + item["msg"])
        message = f"operation {operation!r} failed: {exception_type}"
        if problems:
            message += " (" + "; ".join(problems) + ")"
        wrapped = ModelOnexError(
            message=message,
            error_code=code,
            correlation_id=correlation_id,
            operation=operation,
            exception_type=exception_type,
        )
        self._emit_log(
            EnumLogLevel.ERROR,
            wrapped.message,
            wrapped.correlation_id,
            operation=operation,
            error_code=str(wrapped.error_code),
        )
        return wrapped

    def get_operation_metrics(self) -> dict[str, float | int]:
        """Counters and durations recorded by process(), as plain numbers."""
        recorded = self.get_metrics()
        return {
            "operations": int(_metric_value(recorded, METRIC_OPERATIONS)),
            "successes": int(_metric_value(recorded, METRIC_SUCCESSES)),
            "failures": int(_metric_value(recorded, METRIC_FAILURES)),
            "duration_ms_last": _metric_value(recorded, METRIC_DURATION_MS_LAST),
            "duration_ms_total": _metric_value(recorded, METRIC_DURATION_MS_TOTAL),
        }

    async def _record_operation(
        self, operation: str, started: float, succeeded: bool
    ) -> None:
        """Count the operation and its outcome and record how long it took."""
        duration_ms = (time.perf_counter() - started) * 1000.0
        tags = {"operation": operation}
        self.increment_counter(METRIC_OPERATIONS, tags=tags)
        if succeeded:
            self.increment_counter(METRIC_SUCCESSES, tags=tags)
        else:
            self.increment_counter(METRIC_FAILURES, tags=tags)
        self.record_histogram(METRIC_DURATION_MS_LAST, duration_ms, tags=tags)
        self._duration_ms_total += duration_ms
        self.record_metric(METRIC_DURATION_MS_TOTAL, self._duration_ms_total)
        await self._update_processing_metrics(duration_ms, succeeded)

    def get_health_checks(
        self,
    ) -> list[Callable[[], ModelHealthStatus | asyncio.Future[ModelHealthStatus]]]:
        """The checks MixinHealthCheck runs: self, then every dependency (not in health check mode)."""
        checks: list[Callable[[], ModelHealthStatus | Awaitable[ModelHealthStatus]]] = [
            self._check_self_health
        ]
        if not self._health_check_mode:
            checks += [self._check_consul_health]
        # MixinHealthCheck awaits coroutine checks, though its annotation names Future
        return cast(
            list[Callable[[], ModelHealthStatus | asyncio.Future[ModelHealthStatus]]],
            checks,
        )

    def _check_self_health(self) -> ModelHealthStatus:
        """Healthy while the node's lifecycle is sound."""
        issues: list[ModelHealthIssue] = []
        lifecycle = self.state.get("status", "")
        if lifecycle in _UNHEALTHY_STATES:
            issues.append(
                ModelHealthIssue.create_resource_issue(
                    message=f"node lifecycle status is {lifecycle}", severity="critical"
                )
            )
        if issues:
            return ModelHealthStatus.create_unhealthy(score=0.0, issues=issues)
        return ModelHealthStatus.create_healthy(score=1.0)

    def _log_info(self, message: str, pattern: str | None = None) -> None:
        """Serve both callers: MixinNodeService (message) and MixinEventBus (message, pattern)."""
        if pattern is None:
            MixinNodeService._log_info(self, message)
        else:
            MixinEventBus._log_info(self, message, pattern)

    def _log_error(
        self,
        message: str,
        pattern: str | None = None,
        error: BaseException | None = None,
    ) -> None:
        """Serve both callers: MixinNodeService (message) and MixinEventBus (message, pattern, error=)."""
        if pattern is None:
            if error is not None:
                message = f"{message}: {error!r}"
            MixinNodeService._log_error(self, message)
        else:
            MixinEventBus._log_error(self, message, pattern, error=error)

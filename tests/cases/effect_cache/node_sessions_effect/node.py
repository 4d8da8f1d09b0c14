"""NodeSessionsEffect: the effect node 'sessions'."""

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from typing import cast
from uuid import UUID

import redis.asyncio
import redis.exceptions
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.enums.enum_node_lifecycle_status import EnumNodeLifecycleStatus
from omnibase_core.errors import ModelOnexError
from omnibase_core.logging.logging_structured import emit_log_event_sync
from omnibase_core.mixins.mixin_event_bus import MixinEventBus
from omnibase_core.mixins.mixin_node_service import MixinNodeService
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.models.health.model_health_issue import ModelHealthIssue
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.nodes.node_service_effect import ModelServiceEffect
from omnibase_core.types.typed_dict_mixin_types import TypedDictMetricEntry
from pydantic import ValidationError

from .handlers.handler_lookup import HandlerLookup
from .models.model_sessions_input import ModelSessionsInput
from .models.model_sessions_output import ModelSessionsOutput

__all__ = ["NodeSessionsEffect", "SUPPORTED_OPERATIONS"]
NODE_NAME = "sessions"
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


REDIS_URL_ENV = "REDIS_URL"
REDIS_URL_DEFAULT = "redis://127.0.0.1:6379/0"
REDIS_SOCKET_TIMEOUT_S_ENV = "REDIS_SOCKET_TIMEOUT_S"
REDIS_SOCKET_TIMEOUT_S_DEFAULT = "5"
SUPPORTED_OPERATIONS: tuple[str, ...] = ("lookup",)
_ENVELOPE_FIELDS = set(ModelEffectOutput.model_fields) | {"correlation_id"}
SessionsHandler = Callable[[ModelSessionsInput], Awaitable[ModelSessionsOutput]]
METRIC_OPERATIONS = "sessions.operations"
METRIC_SUCCESSES = "sessions.successes"
METRIC_FAILURES = "sessions.failures"
METRIC_CACHE_COMMANDS = "sessions.cache_commands"
METRIC_DURATION_MS_LAST = "sessions.duration_ms_last"
METRIC_DURATION_MS_TOTAL = "sessions.duration_ms_total"


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


class NodeSessionsEffect(ModelServiceEffect):
    """Caches what it computes in Redis."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Set up state only: no network I/O happens before initialize()."""
        super().__init__(container)
        self._health_check_mode = _detect_health_check_mode(container)
        self._health_timeout_s = float(os.getenv(HEALTH_CHECK_TIMEOUT_ENV, "5"))
        self._redis: redis.asyncio.Redis | None = None
        self._started = False
        self._handlers: dict[str, SessionsHandler] = {"lookup": HandlerLookup().handle}
        self._duration_ms_total = 0.0

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

    async def _start_redis(self) -> None:
        """Create the redis client from the environment unless one was injected."""
        if self._redis is None:
            client: redis.asyncio.Redis = redis.asyncio.Redis.from_url(
                os.getenv(REDIS_URL_ENV, REDIS_URL_DEFAULT),
                socket_timeout=float(
                    os.getenv(
                        REDIS_SOCKET_TIMEOUT_S_ENV, REDIS_SOCKET_TIMEOUT_S_DEFAULT
                    )
                ),
                decode_responses=True,
            )
            await client.ping()
            self._redis = client

    async def _stop_redis(self) -> None:
        """Close the redis client; a second call does nothing."""
        client = self._redis
        if client is not None:
            self._redis = None
            await client.aclose()

    async def _check_redis_health(self) -> ModelHealthStatus:
        """Probe redis: DEGRADED before start, UNHEALTHY when the probe fails or times out."""
        client = self._redis
        if client is None:
            return ModelHealthStatus.create_degraded(
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message="redis client is not initialised (node not started)",
                        severity="medium",
                    )
                ]
            )
        try:
            async with asyncio.timeout(self._health_timeout_s):
                await client.ping()
        except Exception as error:
            return ModelHealthStatus.create_unhealthy(
                score=0.0,
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message=f"redis health check failed: {type(error).__name__}: {error}",
                        severity="critical",
                    )
                ],
            )
        return ModelHealthStatus.create_healthy(score=1.0)

    async def cache_get(self, key: str) -> str | None:
        """The cached text under ``key``, or None."""
        client = self._redis
        if client is None:
            raise ModelOnexError(
                message="redis is not initialised: await node.initialize() first",
                error_code=EnumCoreErrorCode.CACHE_CONNECTION_ERROR,
            )
        self.increment_counter(METRIC_CACHE_COMMANDS)
        value: bytes | str | None = await client.get(key)
        if isinstance(value, bytes):
            return value.decode()
        return value

    async def cache_set(self, key: str, value: str, *, ttl_s: int = 300) -> None:
        """Cache ``value`` under ``key`` for ``ttl_s`` seconds."""
        client = self._redis
        if client is None:
            raise ModelOnexError(
                message="redis is not initialised: await node.initialize() first",
                error_code=EnumCoreErrorCode.CACHE_CONNECTION_ERROR,
            )
        self.increment_counter(METRIC_CACHE_COMMANDS)
        await client.set(key, value, ex=ttl_s)

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
        try:
            await self._start_redis()
        except Exception as error:
            await self._stop_integrations()
            raise ModelOnexError(
                message=f"could not start redis: {error}",
                error_code=EnumCoreErrorCode.CACHE_CONNECTION_ERROR,
                integration="redis",
            ) from error
        self._started = True
        self._emit_log(EnumLogLevel.INFO, "node started", integrations="redis")

    async def cleanup(self) -> None:
        """Release every resource in reverse order, even when one step fails; safe to call twice."""
        await self._stop_integrations()
        self._started = False
        await super().cleanup()

    async def _stop_integrations(self) -> None:
        """Stop every integration in reverse start order; one failure does not stop the rest."""
        for name, stop in (("redis", self._stop_redis),):
            try:
                await stop()
            except Exception as error:
                self._emit_log(
                    EnumLogLevel.WARNING,
                    f"stopping {name} failed: {error}",
                    integration=name,
                )

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

    async def process(self, input_data: ModelEffectInput) -> ModelSessionsOutput:
        """Run the requested operation through its handler; record metrics; map errors."""
        started = time.perf_counter()
        operation = "unknown"
        correlation_id: UUID | None = None
        succeeded = False
        try:
            request = self._to_request(input_data)
            operation = request.operation
            correlation_id = request.correlation_id
            handler = self._handlers.get(request.operation)
            if handler is None:
                raise ModelOnexError(
                    message=f"unknown operation {request.operation!r}; expected one of lookup",
                    error_code=EnumCoreErrorCode.INVALID_OPERATION,
                    correlation_id=correlation_id,
                    operation=request.operation,
                )
            output = await handler(request)
            result = output.model_copy(
                update={
                    "processing_time_ms": (time.perf_counter() - started) * 1000.0,
                    "result": output.model_dump(mode="json", exclude=_ENVELOPE_FIELDS),
                }
            )
            succeeded = True
            return result
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
        except redis.exceptions.ConnectionError as error:
            raise self._wrap_error(
                error,
                EnumCoreErrorCode.CACHE_CONNECTION_ERROR,
                operation,
                correlation_id,
            ) from error
        except redis.exceptions.TimeoutError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.CACHE_TIMEOUT_ERROR, operation, correlation_id
            ) from error
        except redis.exceptions.RedisError as error:
            raise self._wrap_error(
                error,
                EnumCoreErrorCode.CACHE_OPERATION_FAILED,
                operation,
                correlation_id,
            ) from error
        except TimeoutError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.TIMEOUT, operation, correlation_id
            ) from error
        except Exception as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.OPERATION_FAILED, operation, correlation_id
            ) from error
        finally:
            await self._record_operation(operation, started, succeeded)

    def _to_request(self, input_data: ModelEffectInput) -> ModelSessionsInput:
        """Accept a ModelSessionsInput, or a ModelEffectInput whose operation_data holds its fields."""
        if isinstance(input_data, ModelSessionsInput):
            return input_data
        if not isinstance(input_data.operation_data, dict):
            raise ModelOnexError(
                message="operation_data must be a dict of ModelSessionsInput fields",
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            )
        fields = input_data.model_dump(exclude={"operation_data"})
        fields.update(input_data.operation_data)
        return ModelSessionsInput.model_validate(fields)

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
            "cache_commands": int(_metric_value(recorded, METRIC_CACHE_COMMANDS)),
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
            checks += [self._check_redis_health]
        # MixinHealthCheck awaits coroutine checks, though its annotation names Future
        return cast(
            list[Callable[[], ModelHealthStatus | asyncio.Future[ModelHealthStatus]]],
            checks,
        )

    def _check_self_health(self) -> ModelHealthStatus:
        """Healthy while every operation has a handler and the lifecycle is sound."""
        issues: list[ModelHealthIssue] = []
        missing = [
            operation
            for operation in SUPPORTED_OPERATIONS
            if operation not in self._handlers
        ]
        if missing:
            names = ", ".join(missing)
            issues.append(
                ModelHealthIssue.create_resource_issue(
                    message=f"no handler registered for: {names}", severity="critical"
                )
            )
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

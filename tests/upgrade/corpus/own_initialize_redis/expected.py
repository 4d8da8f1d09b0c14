"""Session lookups backed by Redis; the node manages its own connection."""

from __future__ import annotations

import os
import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Concatenate, cast
from uuid import UUID

import redis.asyncio
from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes.node_service_effect import ModelServiceEffect
import redis.exceptions
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.enums.enum_node_lifecycle_status import EnumNodeLifecycleStatus
from omnibase_core.errors import ModelOnexError
from omnibase_core.logging.logging_structured import emit_log_event_sync
from omnibase_core.mixins.mixin_event_bus import MixinEventBus
from omnibase_core.mixins.mixin_node_service import MixinNodeService
from omnibase_core.models.health.model_health_issue import ModelHealthIssue
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.types.typed_dict_mixin_types import TypedDictMetricEntry
from pydantic import ValidationError

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

    return mapped


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
    """Looks sessions up by token."""

    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)
        self.cache: redis.asyncio.Redis | None = None
        self._health_check_mode = _detect_health_check_mode(container)
        self._health_timeout_s = float(os.getenv(HEALTH_CHECK_TIMEOUT_ENV, "5"))
        self._redis: redis.asyncio.Redis | None = None
        self._started = False
        self._duration_ms_total = 0.0

    async def initialize(self) -> None:
        await super().initialize()
        self.cache = redis.asyncio.Redis.from_url(os.environ.get("SESSIONS_REDIS", "redis://localhost"))

    async def cleanup(self) -> None:
        if self.cache is not None:
            await self.cache.aclose()
        await super().cleanup()

    @_record_metrics
    @_map_errors
    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        assert self.cache is not None, "initialize() first"
        token = str(input_data.model_dump()["operation_data"].get("token", ""))
        session = await self.cache.get(f"session:{token}")
        return ModelEffectOutput(
            result={"found": session is not None},
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

"""NodeRateLimitsReducer: the reducer node 'rate_limits'."""

import asyncio
import hashlib
import json
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
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.health.model_health_issue import ModelHealthIssue
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.models.projectors.model_projection_intent import (
    ModelProjectionIntent,
)
from omnibase_core.models.reducer.model_reducer_input import ModelReducerInput
from omnibase_core.models.reducer.model_reducer_output import ModelReducerOutput
from omnibase_core.nodes.node_service_reducer import ModelServiceReducer
from omnibase_core.types.type_serializable_value import SerializedDict
from omnibase_core.types.typed_dict_mixin_types import TypedDictMetricEntry
from pydantic import ValidationError

from .handlers.handler_lookup import HandlerLookup
from .models.model_rate_limits_input import ModelRateLimitsInput
from .models.model_rate_limits_output import ModelRateLimitsOutput

__all__ = ["NodeRateLimitsReducer", "SUPPORTED_OPERATIONS"]
NODE_NAME = "rate_limits"
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
CACHE_TTL_S_ENV = "CACHE_TTL_S"
CACHE_TTL_S_DEFAULT = "300"
CACHE_ENABLED_ENV = "CACHE_ENABLED"
CACHE_ENABLED_DEFAULT = "true"
CACHE_TIMEOUT_S_ENV = "CACHE_TIMEOUT_S"
CACHE_TIMEOUT_S_DEFAULT = "0.25"
CACHE_OFF_VALUES = frozenset({"0", "false", "no", "off"})
CACHED_OPERATIONS: frozenset[str] = frozenset({"lookup"})
# the node version and a digest of what its spec declares: a regenerated node that answers differently never reads what the older one cached (after editing a handler by hand, bump the version)
CACHE_KEY_VERSION = "1.0.0+59b913ca1903"
CACHE_KEY_PREFIX = "rate_limits:cache:"
_CACHE_IGNORED_FIELDS = set(ModelReducerInput.model_fields) | {
    "operation",
    "correlation_id",
}
SUPPORTED_OPERATIONS: tuple[str, ...] = ("lookup",)
_ENVELOPE_FIELDS = set(ModelReducerOutput.model_fields) | {"correlation_id"}
RateLimitsHandler = Callable[
    [ModelRateLimitsInput, ModelRateLimitsOutput | None],
    Awaitable[ModelRateLimitsOutput],
]
METRIC_OPERATIONS = "rate_limits.operations"
METRIC_SUCCESSES = "rate_limits.successes"
METRIC_FAILURES = "rate_limits.failures"
METRIC_CACHE_COMMANDS = "rate_limits.cache_commands"
METRIC_CACHE_HITS = "rate_limits.cache_hits"
METRIC_CACHE_MISSES = "rate_limits.cache_misses"
METRIC_CACHE_FAILURES = "rate_limits.cache_failures"
METRIC_DURATION_MS_LAST = "rate_limits.duration_ms_last"
METRIC_DURATION_MS_TOTAL = "rate_limits.duration_ms_total"


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


class NodeRateLimitsReducer(ModelServiceReducer[SerializedDict, SerializedDict]):
    """Caches what it computes in Redis."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Set up state only: no network I/O happens before initialize()."""
        super().__init__(container)
        self._health_check_mode = _detect_health_check_mode(container)
        self._health_timeout_s = float(os.getenv(HEALTH_CHECK_TIMEOUT_ENV, "5"))
        self._redis: redis.asyncio.Redis | None = None
        self._cache_ttl_s = int(os.getenv(CACHE_TTL_S_ENV, CACHE_TTL_S_DEFAULT))
        self._cache_active = (
            self._cache_ttl_s > 0
            and os.getenv(CACHE_ENABLED_ENV, CACHE_ENABLED_DEFAULT).strip().lower()
            not in CACHE_OFF_VALUES
        )
        # a cache read or write that takes longer is given up: a hung Redis must not hold up the operation
        self._cache_timeout_s = float(
            os.getenv(CACHE_TIMEOUT_S_ENV, CACHE_TIMEOUT_S_DEFAULT)
        )
        self._started = False
        self._handlers: dict[str, RateLimitsHandler] = {
            "lookup": HandlerLookup().handle
        }
        self._reduced: ModelRateLimitsOutput | None = None
        self._state_lock = asyncio.Lock()
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

    async def _answer_through_cache(
        self,
        request: ModelRateLimitsInput,
        handler: RateLimitsHandler,
        state: ModelRateLimitsOutput | None,
    ) -> ModelRateLimitsOutput:
        """Cache-aside: the answer to a request of a cached operation (given the reduced ``state``) is reused for CACHE_TTL_S seconds, so its handler runs once; a cache failure is logged and counted, and the request is computed."""
        if not self._cache_active or request.operation not in CACHED_OPERATIONS:
            return await handler(request, state)
        tags: dict[str, str] = {"operation": request.operation}
        key = self._cache_key(request, state)
        cached, reachable = await self._read_cache(key, request)
        if cached is not None:
            self.increment_counter(METRIC_CACHE_HITS, tags=tags)
            return cached
        output = await handler(request, state)
        if reachable:
            self.increment_counter(METRIC_CACHE_MISSES, tags=tags)
            await self._write_cache(key, output, request)
        return output

    def _cache_key(
        self, request: ModelRateLimitsInput, state: ModelRateLimitsOutput | None
    ) -> str:
        """Where the answer to ``request`` is cached: a SHA-256 of the node, its version, the operation, the request's declared fields (not its ids or timestamps) and the reduced state it applies to."""
        material: dict[str, object] = {
            "node": NODE_NAME,
            "version": CACHE_KEY_VERSION,
            "operation": request.operation,
            "request": request.model_dump(mode="json", exclude=_CACHE_IGNORED_FIELDS),
            "state": (
                None
                if state is None
                else state.model_dump(mode="json", exclude=_ENVELOPE_FIELDS)
            ),
        }
        digest = hashlib.sha256(
            json.dumps(material, sort_keys=True, separators=(",", ":")).encode("utf-8")
        ).hexdigest()
        return f"{CACHE_KEY_PREFIX}{request.operation}:{digest}"

    async def _read_cache(
        self, key: str, request: ModelRateLimitsInput
    ) -> tuple[ModelRateLimitsOutput | None, bool]:
        """The answer cached in Redis under ``key``, carrying this request's ids (None on a miss), and whether the cache could be read; a failure is logged and counted, never raised."""
        try:
            async with asyncio.timeout(self._cache_timeout_s):
                text = await self.cache_get(key)
        except (
            redis.exceptions.RedisError,
            ModelOnexError,
            OSError,
            TimeoutError,
        ) as error:
            self._cache_failed("read", key, error, request)
            return (None, False)
        if text is None:
            return (None, True)
        try:
            cached = ModelRateLimitsOutput.model_validate_json(text)
        except ValidationError as error:
            self._cache_failed("decode", key, error, request)
            return (None, True)
        return (
            cached.model_copy(
                update={
                    "operation_id": request.operation_id,
                    "correlation_id": request.correlation_id,
                }
            ),
            True,
        )

    async def _write_cache(
        self, key: str, output: ModelRateLimitsOutput, request: ModelRateLimitsInput
    ) -> None:
        """Store the declared output fields under ``key`` in Redis (SET with EX) for CACHE_TTL_S seconds; a failure is logged and counted, never raised. An answer that emits intents is not cached."""
        # intents carry live payload objects that JSON cannot bring back: such answers are computed each time
        if output.intents:
            return
        try:
            text = output.model_dump_json(exclude=_ENVELOPE_FIELDS)
            await asyncio.wait_for(
                self.cache_set(key, text, ttl_s=self._cache_ttl_s),
                self._cache_timeout_s,
            )
        except (
            redis.exceptions.RedisError,
            ModelOnexError,
            OSError,
            ValueError,
            TimeoutError,
        ) as error:
            self._cache_failed("write", key, error, request)

    def _cache_failed(
        self, step: str, key: str, error: Exception, request: ModelRateLimitsInput
    ) -> None:
        """Log and count a cache failure; the operation goes on without the cache."""
        self.increment_counter(
            METRIC_CACHE_FAILURES, tags={"operation": request.operation, "step": step}
        )
        self._emit_log(
            EnumLogLevel.WARNING,
            f"cache {step} failed, answering without the cache: {type(error).__name__}: {error}",
            request.correlation_id,
            operation=request.operation,
            cache_key=key,
        )

    async def clear_operation_cache(self, operation: str | None = None) -> int:
        """Drop the cached answers of ``operation`` (of every operation when None) from Redis; returns how many were dropped."""
        if operation is not None and operation not in SUPPORTED_OPERATIONS:
            raise ModelOnexError(
                message=f"unknown operation {operation!r}; expected one of lookup",
                error_code=EnumCoreErrorCode.INVALID_OPERATION,
                operation=operation,
            )
        prefix = (
            CACHE_KEY_PREFIX if operation is None else f"{CACHE_KEY_PREFIX}{operation}:"
        )
        client = self._redis
        if client is None:
            raise ModelOnexError(
                message="redis is not initialised: await node.initialize() first",
                error_code=EnumCoreErrorCode.CACHE_CONNECTION_ERROR,
            )
        removed = 0
        try:
            async for key in client.scan_iter(match=f"{prefix}*"):
                removed += await client.delete(key)
        except redis.exceptions.RedisError as error:
            raise ModelOnexError(
                message=f"clearing cached answers failed: {type(error).__name__}: {error}",
                error_code=EnumCoreErrorCode.CACHE_OPERATION_FAILED,
            ) from error
        return removed

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

    async def process(
        self,
        input_data: ModelReducerInput[SerializedDict],
        projection_intents: tuple[ModelProjectionIntent, ...] = (),
    ) -> ModelRateLimitsOutput:
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
            projections = self._build_projection_intents(projection_intents)
            async with self._state_lock:
                output = await self._answer_through_cache(
                    request, handler, self._reduced
                )
                result = output.model_copy(
                    update={
                        "processing_time_ms": (time.perf_counter() - started) * 1000.0,
                        "result": output.model_dump(
                            mode="json", exclude=_ENVELOPE_FIELDS
                        ),
                        "intents": (*output.intents, *projections),
                    }
                )
                self._reduced = result
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

    def _to_request(
        self, input_data: ModelReducerInput[SerializedDict]
    ) -> ModelRateLimitsInput:
        """Accept a ModelRateLimitsInput, or a ModelReducerInput whose data holds one dict of its fields (metadata.trigger names the operation)."""
        if isinstance(input_data, ModelRateLimitsInput):
            return input_data
        if len(input_data.data) != 1:
            raise ModelOnexError(
                message="data must hold exactly one dict of ModelRateLimitsInput fields",
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            )
        fields = input_data.model_dump(exclude={"data"})
        fields["operation"] = input_data.metadata.trigger
        fields.update(input_data.data[0])
        return ModelRateLimitsInput.model_validate(fields)

    def get_reduced_state(self) -> ModelRateLimitsOutput | None:
        """The output of the last successful operation: the state reduced so far."""
        return self._reduced

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
            "cache_hits": int(_metric_value(recorded, METRIC_CACHE_HITS)),
            "cache_misses": int(_metric_value(recorded, METRIC_CACHE_MISSES)),
            "cache_failures": int(_metric_value(recorded, METRIC_CACHE_FAILURES)),
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

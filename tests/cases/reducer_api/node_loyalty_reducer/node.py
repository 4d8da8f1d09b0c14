"""NodeLoyaltyReducer: the reducer node 'loyalty'."""

import asyncio
import logging
import os
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import cast
from uuid import UUID

import httpx
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

from .handlers.handler_call_remote import HandlerCallRemote
from .models.model_loyalty_input import ModelLoyaltyInput
from .models.model_loyalty_output import ModelLoyaltyOutput

__all__ = ["NodeLoyaltyReducer", "SUPPORTED_OPERATIONS"]
NODE_NAME = "loyalty"
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


HTTP_BASE_URL_ENV = "HTTP_BASE_URL"
HTTP_BASE_URL_DEFAULT = "http://127.0.0.1:8080"
HTTP_TIMEOUT_S_ENV = "HTTP_TIMEOUT_S"
HTTP_TIMEOUT_S_DEFAULT = "10"
HTTP_HEALTH_PATH_ENV = "HTTP_HEALTH_PATH"
HTTP_HEALTH_PATH_DEFAULT = "/health"
HTTP_BACKOFF_BASE_S_ENV = "HTTP_BACKOFF_BASE_S"
HTTP_BACKOFF_BASE_S_DEFAULT = "0.2"
HTTP_BACKOFF_MAX_S_ENV = "HTTP_BACKOFF_MAX_S"
HTTP_BACKOFF_MAX_S_DEFAULT = "5"
HTTP_MAX_RESPONSE_BYTES_ENV = "HTTP_MAX_RESPONSE_BYTES"
HTTP_MAX_RESPONSE_BYTES_DEFAULT = "10485760"
HTTP_RETRY_STATUSES = frozenset({502, 503, 504})
HTTP_BACKOFF_JITTER = 0.1
HTTP_LOGGED_HOSTS: set[str] = set()
HTTP_ERROR_CODES: dict[int, EnumCoreErrorCode] = {
    400: EnumCoreErrorCode.VALIDATION_ERROR,
    401: EnumCoreErrorCode.AUTHENTICATION_ERROR,
    403: EnumCoreErrorCode.PERMISSION_DENIED,
    404: EnumCoreErrorCode.NOT_FOUND,
    408: EnumCoreErrorCode.TIMEOUT,
    409: EnumCoreErrorCode.INVALID_STATE,
    422: EnumCoreErrorCode.VALIDATION_ERROR,
    429: EnumCoreErrorCode.RATE_LIMIT_ERROR,
    502: EnumCoreErrorCode.DEPENDENCY_UNAVAILABLE,
    503: EnumCoreErrorCode.SERVICE_UNAVAILABLE,
    504: EnumCoreErrorCode.DEPENDENCY_UNAVAILABLE,
}


def http_error_code(status_code: int) -> EnumCoreErrorCode:
    """The error code of a 4xx/5xx answer: HTTP_ERROR_CODES, else INVALID_INPUT (4xx) or OPERATION_FAILED (5xx)."""
    code = HTTP_ERROR_CODES.get(status_code)
    if code is not None:
        return code
    return (
        EnumCoreErrorCode.INVALID_INPUT
        if status_code < 500
        else EnumCoreErrorCode.OPERATION_FAILED
    )


def http_backoff_s(attempt: int, retry_after: str | None) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1, 2, ...): HTTP_BACKOFF_BASE_S doubled per attempt, plus up to 10% jitter, at least a numeric Retry-After, at most HTTP_BACKOFF_MAX_S."""
    base = float(os.getenv(HTTP_BACKOFF_BASE_S_ENV, HTTP_BACKOFF_BASE_S_DEFAULT))
    cap = float(os.getenv(HTTP_BACKOFF_MAX_S_ENV, HTTP_BACKOFF_MAX_S_DEFAULT))
    delay = base * 2.0 ** (attempt - 1)
    delay += random.uniform(0.0, delay * HTTP_BACKOFF_JITTER)
    if retry_after is not None and retry_after.strip().isdecimal():
        delay = max(delay, float(retry_after))
    return min(cap, delay)


async def http_read_answer(
    streamed: httpx.Response, limit: int, correlation_id: UUID | None
) -> httpx.Response:
    """The whole answer, read (decoded) up to ``limit`` bytes: a longer one raises CONTRACT_VIOLATION instead of filling the memory. The connection is released either way."""
    body = bytearray()
    try:
        async for chunk in streamed.aiter_bytes():
            body += chunk
            if len(body) > limit:
                raise ModelOnexError(
                    message=f"the answer to {streamed.request.method} is longer than {limit} bytes (HTTP_MAX_RESPONSE_BYTES): not read further",
                    error_code=EnumCoreErrorCode.CONTRACT_VIOLATION,
                    correlation_id=correlation_id,
                    status_code=streamed.status_code,
                )
    finally:
        await streamed.aclose()
    headers = [
        (name, value)
        for name, value in streamed.headers.multi_items()
        if name.lower()
        not in {"content-encoding", "content-length", "transfer-encoding"}
    ]
    return httpx.Response(
        streamed.status_code,
        headers=headers,
        content=bytes(body),
        request=streamed.request,
    )


def http_log_without_values(record: logging.LogRecord) -> bool:
    """httpx logs each request's URL at INFO; for the node's own requests keep the scheme and host: the path and query hold the request's values, secrets among them."""
    arguments = record.args
    if isinstance(arguments, tuple) and len(arguments) > 1:
        url = arguments[1]
        if isinstance(url, httpx.URL) and url.host in HTTP_LOGGED_HOSTS:
            record.args = (
                arguments[0],
                f"{url.scheme}://{url.netloc.decode('ascii')}/...",
                *arguments[2:],
            )
    return True


SUPPORTED_OPERATIONS: tuple[str, ...] = ("call_remote",)
_ENVELOPE_FIELDS = set(ModelReducerOutput.model_fields) | {"correlation_id"}
LoyaltyHandler = Callable[
    [ModelLoyaltyInput, ModelLoyaltyOutput | None], Awaitable[ModelLoyaltyOutput]
]
METRIC_OPERATIONS = "loyalty.operations"
METRIC_SUCCESSES = "loyalty.successes"
METRIC_FAILURES = "loyalty.failures"
METRIC_API_CALLS = "loyalty.api_calls"
METRIC_API_RETRIES = "loyalty.api_retries"
METRIC_DURATION_MS_LAST = "loyalty.duration_ms_last"
METRIC_DURATION_MS_TOTAL = "loyalty.duration_ms_total"


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


class NodeLoyaltyReducer(ModelServiceReducer[SerializedDict, SerializedDict]):
    """Calls a remote HTTP API."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Set up state only: no network I/O happens before initialize()."""
        super().__init__(container)
        self._health_check_mode = _detect_health_check_mode(container)
        self._health_timeout_s = float(os.getenv(HEALTH_CHECK_TIMEOUT_ENV, "5"))
        self._http: httpx.AsyncClient | None = None
        self._started = False
        self._handlers: dict[str, LoyaltyHandler] = {
            "call_remote": HandlerCallRemote().handle
        }
        self._reduced: ModelLoyaltyOutput | None = None
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

    async def _start_http(self) -> None:
        """Create the http client from the environment unless one was injected."""
        if self._http is None:
            client = httpx.AsyncClient(
                base_url=os.getenv(HTTP_BASE_URL_ENV, HTTP_BASE_URL_DEFAULT),
                timeout=float(os.getenv(HTTP_TIMEOUT_S_ENV, HTTP_TIMEOUT_S_DEFAULT)),
            )
            self._http = client

    async def _stop_http(self) -> None:
        """Close the http client; a second call does nothing."""
        client = self._http
        if client is not None:
            self._http = None
            await client.aclose()

    async def _check_http_health(self) -> ModelHealthStatus:
        """Probe http: DEGRADED before start, UNHEALTHY when the probe fails or times out."""
        client = self._http
        if client is None:
            return ModelHealthStatus.create_degraded(
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message="http client is not initialised (node not started)",
                        severity="medium",
                    )
                ]
            )
        try:
            async with asyncio.timeout(self._health_timeout_s):
                response = await client.get(
                    os.getenv(HTTP_HEALTH_PATH_ENV, HTTP_HEALTH_PATH_DEFAULT)
                )
                response.raise_for_status()
        except Exception as error:
            return ModelHealthStatus.create_unhealthy(
                score=0.0,
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message=f"http health check failed: {type(error).__name__}: {error}",
                        severity="critical",
                    )
                ],
            )
        return ModelHealthStatus.create_healthy(score=1.0)

    async def http_call(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        params: Mapping[str, str] | None = None,
        timeout_s: float,
        attempts: int,
        correlation_id: UUID | None,
        route: str | None = None,
    ) -> httpx.Response:
        """Send one request with its own timeout and the correlation id as X-Correlation-ID; up to ``attempts`` sends (more than one only for idempotent methods), retrying timeouts, transport errors and 502/503/504 with exponential backoff. A final 4xx/5xx answer raises ModelOnexError with the status's code (HTTP_ERROR_CODES), a final timeout TIMEOUT, a transport error NETWORK_ERROR. Messages and logs name ``route`` (the path before its values were filled in), never the request's values."""
        client = self._http
        shown = path if route is None else route
        if client is None:
            raise ModelOnexError(
                message="http is not initialised: await node.initialize() first",
                error_code=EnumCoreErrorCode.NETWORK_ERROR,
                correlation_id=correlation_id,
            )
        # httpx logs each request's URL: for this client's host, without the request's values
        HTTP_LOGGED_HOSTS.add(client.base_url.host)
        logging.getLogger("httpx").addFilter(http_log_without_values)
        headers: dict[str, str] = (
            {} if correlation_id is None else {"X-Correlation-ID": str(correlation_id)}
        )
        for attempt in range(1, attempts + 1):
            self.increment_counter(METRIC_API_CALLS)
            retry_after: str | None = None
            try:
                streamed = await client.send(
                    client.build_request(
                        method,
                        path,
                        json=json,
                        params=params,
                        headers=headers,
                        timeout=timeout_s,
                    ),
                    stream=True,
                )
                response = await http_read_answer(
                    streamed,
                    int(
                        os.getenv(
                            HTTP_MAX_RESPONSE_BYTES_ENV, HTTP_MAX_RESPONSE_BYTES_DEFAULT
                        )
                    ),
                    correlation_id,
                )
            except httpx.TimeoutException as error:
                if attempt >= attempts:
                    raise ModelOnexError(
                        message=f"{method} {shown} timed out after {timeout_s} s (attempt {attempt})",
                        error_code=EnumCoreErrorCode.TIMEOUT,
                        correlation_id=correlation_id,
                        method=method,
                        path=shown,
                        attempts=attempt,
                    ) from error
                reason = "timed out"
            except httpx.TransportError as error:
                if attempt >= attempts:
                    raise ModelOnexError(
                        message=f"{method} {shown} failed (attempt {attempt}): {type(error).__name__}",
                        error_code=EnumCoreErrorCode.NETWORK_ERROR,
                        correlation_id=correlation_id,
                        method=method,
                        path=shown,
                        attempts=attempt,
                    ) from error
                reason = type(error).__name__
            else:
                if response.status_code in HTTP_RETRY_STATUSES and attempt < attempts:
                    reason = f"answered {response.status_code}"
                    retry_after = response.headers.get("Retry-After")
                elif response.is_error:
                    cause = httpx.HTTPStatusError(
                        f"{method} {shown} answered {response.status_code} {response.reason_phrase}",
                        request=response.request,
                        response=response,
                    )
                    raise ModelOnexError(
                        message=f"{method} {shown} answered {response.status_code} {response.reason_phrase} (attempt {attempt})",
                        error_code=http_error_code(response.status_code),
                        correlation_id=correlation_id,
                        status_code=response.status_code,
                        response_body=response.content[:500].decode("utf-8", "replace"),
                        method=method,
                        path=shown,
                        attempts=attempt,
                    ) from cause
                else:
                    return response
            delay = http_backoff_s(attempt, retry_after)
            self.increment_counter(METRIC_API_RETRIES)
            self._emit_log(
                EnumLogLevel.WARNING,
                f"{method} {shown} {reason}; retrying in {round(delay, 3)} s",
                correlation_id,
                method=method,
                path=shown,
                attempt=attempt,
            )
            await asyncio.sleep(delay)
        raise ModelOnexError(
            message=f"{method} {shown}: attempts must be at least 1, got {attempts}",
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            correlation_id=correlation_id,
        )

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
            await self._start_http()
        except Exception as error:
            await self._stop_integrations()
            raise ModelOnexError(
                message=f"could not start http: {error}",
                error_code=EnumCoreErrorCode.NETWORK_ERROR,
                integration="http",
            ) from error
        self._started = True
        self._emit_log(EnumLogLevel.INFO, "node started", integrations="http")

    async def cleanup(self) -> None:
        """Release every resource in reverse order, even when one step fails; safe to call twice."""
        await self._stop_integrations()
        self._started = False
        await super().cleanup()

    async def _stop_integrations(self) -> None:
        """Stop every integration in reverse start order; one failure does not stop the rest."""
        for name, stop in (("http", self._stop_http),):
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
    ) -> ModelLoyaltyOutput:
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
                    message=f"unknown operation {request.operation!r}; expected one of call_remote",
                    error_code=EnumCoreErrorCode.INVALID_OPERATION,
                    correlation_id=correlation_id,
                    operation=request.operation,
                )
            projections = self._build_projection_intents(projection_intents)
            async with self._state_lock:
                output = await handler(request, self._reduced)
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
        except httpx.TimeoutException as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.TIMEOUT, operation, correlation_id
            ) from error
        except httpx.HTTPStatusError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.SERVICE_UNAVAILABLE, operation, correlation_id
            ) from error
        except httpx.TransportError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.NETWORK_ERROR, operation, correlation_id
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
    ) -> ModelLoyaltyInput:
        """Accept a ModelLoyaltyInput, or a ModelReducerInput whose data holds one dict of its fields (metadata.trigger names the operation)."""
        if isinstance(input_data, ModelLoyaltyInput):
            return input_data
        if len(input_data.data) != 1:
            raise ModelOnexError(
                message="data must hold exactly one dict of ModelLoyaltyInput fields",
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            )
        fields = input_data.model_dump(exclude={"data"})
        fields["operation"] = input_data.metadata.trigger
        fields.update(input_data.data[0])
        return ModelLoyaltyInput.model_validate(fields)

    def get_reduced_state(self) -> ModelLoyaltyOutput | None:
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
            "api_calls": int(_metric_value(recorded, METRIC_API_CALLS)),
            "api_retries": int(_metric_value(recorded, METRIC_API_RETRIES)),
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
            checks += [self._check_http_health]
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

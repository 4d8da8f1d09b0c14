"""Calling an HTTP service: ``http_call`` with per-call timeouts, retries with
backoff for idempotent methods, a bounded answer, and the status -> error code map.

A generated node with the http integration carries these definitions: the
functions at module level of its ``node.py``, ``http_call`` on its class. The
settings come from the environment (the names and defaults below); metric names
are prefixed with the node's name.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from collections.abc import Mapping
from uuid import UUID

import httpx
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.errors import ModelOnexError
from omnibase_core.mixins.mixin_metrics import MixinMetrics

HTTP_BACKOFF_BASE_S_ENV = "HTTP_BACKOFF_BASE_S"
HTTP_BACKOFF_BASE_S_DEFAULT = "0.2"
HTTP_BACKOFF_MAX_S_ENV = "HTTP_BACKOFF_MAX_S"
HTTP_BACKOFF_MAX_S_DEFAULT = "5"
HTTP_MAX_RESPONSE_BYTES_ENV = "HTTP_MAX_RESPONSE_BYTES"
HTTP_MAX_RESPONSE_BYTES_DEFAULT = "10485760"
METRIC_API_CALLS = "node.api_calls"
METRIC_API_RETRIES = "node.api_retries"
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


class HttpCaller(MixinMetrics):
    """The part of a node that sends HTTP requests: its client (None before
    initialize()), its metrics and its structured log."""

    _http: httpx.AsyncClient | None

    def _emit_log(
        self,
        level: EnumLogLevel,
        message: str,
        correlation_id: UUID | None = None,
        **context: object,
    ) -> None:
        """The node's structured log line (the logging pattern writes it)."""

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


"""An HTTP API: a node resource whose calls run against a whole-call deadline, with
retries and backoff, idempotency keys, a bounded answer and an optional circuit
breaker.

Settings (``HTTP`` is the resource's prefix): ``HTTP_BASE_URL``
(http://127.0.0.1:8080), ``HTTP_TIMEOUT_S`` (10: a call's deadline unless it
gives one), ``HTTP_HEALTH_PATH`` (/health), ``HTTP_MAX_RESPONSE_BYTES`` (10 MiB),
``HTTP_BACKOFF_BASE_S`` (0.2), ``HTTP_BACKOFF_MAX_S`` (5),
``HTTP_CIRCUIT_FAILURES`` (5), ``HTTP_CIRCUIT_RESET_S`` (30).
"""

import asyncio
import logging
import random
import string
from collections.abc import Mapping
from urllib.parse import quote
from uuid import NAMESPACE_URL, UUID, uuid5

import httpx
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError

from onex_support.breaker import BreakerState, CircuitBreaker
from onex_support.errors import Classification, Failure, is_retryable, onex_error
from onex_support.logs import EnumLogLevel, emit_log
from onex_support.settings import setting_float, setting_int, setting_str
from onex_support.values import Maybe, json_bytes, json_value

__all__ = [
    "HttpApi",
    "fill_route",
    "http_error_code",
    "idempotency_key",
    "json_answer",
]

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
# answers worth sending the same request again for (the API said so, or is overloaded)
RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})
# methods whose repetition has no further effect (RFC 9110 9.2.2)
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# outcomes that say the API is unwell: they count against the circuit
CIRCUIT_FAILURE_CODES = frozenset(
    {
        EnumCoreErrorCode.TIMEOUT,
        EnumCoreErrorCode.NETWORK_ERROR,
        EnumCoreErrorCode.DEPENDENCY_UNAVAILABLE,
        EnumCoreErrorCode.SERVICE_UNAVAILABLE,
        EnumCoreErrorCode.DEPENDENCY_FAILED,
    }
)
# the idempotency keys of this module: uuid5 of the correlation id and the call's scope
IDEMPOTENCY_NAMESPACE = uuid5(NAMESPACE_URL, "https://onex.local/idempotency-key")


class RouteLogFilter(logging.Filter):
    """httpx logs each request's URL at INFO, path and query included: a value
    placed in a path would reach the logs. For the calls of this module the line
    shows the route template instead (``/orders/{order_id}``)."""

    def __init__(self) -> None:
        super().__init__()
        self.routes: dict[int, str] = {}  # id(request.url) -> what to show, while sent

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            shown = self.routes.get(id(record.args[1]))
            if shown is not None:
                record.args = (record.args[0], shown, *record.args[2:])
        return True


_ROUTE_LOG_FILTER = RouteLogFilter()
logging.getLogger("httpx").addFilter(_ROUTE_LOG_FILTER)


def http_error_code(status_code: int) -> EnumCoreErrorCode:
    """The code of a 4xx/5xx answer: HTTP_ERROR_CODES, else INVALID_INPUT for 4xx
    and DEPENDENCY_FAILED for 5xx."""
    code = HTTP_ERROR_CODES.get(status_code)
    if code is not None:
        return code
    return (
        EnumCoreErrorCode.INVALID_INPUT
        if status_code < 500
        else EnumCoreErrorCode.DEPENDENCY_FAILED
    )


def idempotency_key(correlation_id: UUID, scope: str) -> str:
    """The Idempotency-Key of one logical call: the same correlation id and scope
    (operation, step, method and route) give the same key, so a retry or a
    redelivered request is recognised by the API as the call it already served."""
    return str(uuid5(IDEMPOTENCY_NAMESPACE, f"{correlation_id}/{scope}"))


def fill_route(
    route: str, values: Mapping[str, object], correlation_id: Maybe[UUID]
) -> str:
    """``route`` with its ``{placeholders}`` filled, each value URL-quoted as one
    path segment; a missing, '', '.' or '..' value is refused with
    VALIDATION_ERROR naming the field: it would name another resource."""
    names = [name for _, name, _, _ in string.Formatter().parse(route) if name]
    segments: dict[str, str] = {}
    for name in names:
        value = values.get(name)
        text = "" if value is None else str(value)
        if text in ("", ".", ".."):
            raise onex_error(
                f"{route} needs a value for {name!r} (not empty, '.' or '..')",
                EnumCoreErrorCode.VALIDATION_ERROR,
                correlation_id,
                field=name,
                route=route,
            )
        segments[name] = quote(text, safe="")
    return route.format_map(segments)


def json_answer(response: httpx.Response) -> object:
    """The answer's JSON, its non-integer numbers as Decimal; None when it is empty
    or not JSON."""
    if not response.content:
        return None
    try:
        return json_value(response.content)
    except ValueError:
        return None


class HttpApi:
    """An httpx client for ``<prefix>_BASE_URL``; with ``breaker`` the calls go
    through a CircuitBreaker (``<prefix>_CIRCUIT_FAILURES`` consecutive failures open
    it for ``<prefix>_CIRCUIT_RESET_S`` seconds)."""

    critical = True
    start_error = EnumCoreErrorCode.NETWORK_ERROR

    def __init__(
        self,
        node: str,
        *,
        breaker: bool = False,
        name: str = "http",
        prefix: str = "HTTP",
    ) -> None:
        self.node = node
        self.name = name
        self.base_url = setting_str(f"{prefix}_BASE_URL", "http://127.0.0.1:8080")
        self.timeout_s = setting_float(f"{prefix}_TIMEOUT_S", 10.0, positive=True)
        self.health_path = setting_str(f"{prefix}_HEALTH_PATH", "/health")
        self.max_response_bytes = setting_int(
            f"{prefix}_MAX_RESPONSE_BYTES", 10 * 1024 * 1024, minimum=1
        )
        self.backoff_base_s = setting_float(
            f"{prefix}_BACKOFF_BASE_S", 0.2, minimum=0.0
        )
        self.backoff_max_s = setting_float(f"{prefix}_BACKOFF_MAX_S", 5.0, minimum=0.0)
        self.circuit: CircuitBreaker | None = None
        if breaker:
            self.circuit = CircuitBreaker(
                setting_int(f"{prefix}_CIRCUIT_FAILURES", 5, minimum=1),
                setting_float(f"{prefix}_CIRCUIT_RESET_S", 30.0, positive=True),
            )
        self._client: httpx.AsyncClient | None = None
        self.calls = 0
        self.retries = 0

    @property
    def started(self) -> bool:
        return self._client is not None

    async def start(self) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.base_url, timeout=self.timeout_s
            )

    async def stop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def probe(self) -> None:
        if self.circuit is not None and self.circuit.state is BreakerState.OPEN:
            raise onex_error(
                f"the {self.name} circuit is open after "
                f"{self.circuit.consecutive_failures} consecutive failures",
                EnumCoreErrorCode.SERVICE_UNAVAILABLE,
            )
        response = await self._require(None).get(self.health_path)
        response.raise_for_status()

    def classify(self, error: BaseException) -> Classification:
        """httpx's exceptions, for code that calls the client itself."""
        kind = type(error).__name__
        if isinstance(error, httpx.HTTPStatusError):
            status = error.response.status_code
            code = http_error_code(status)
            return Failure(
                code,
                f"{self.name} answered {status}",
                status in RETRY_STATUSES,
                {"status_code": status},
            )
        if isinstance(error, httpx.TimeoutException):
            return Failure(EnumCoreErrorCode.TIMEOUT, f"{self.name} {kind}", True)
        if isinstance(error, httpx.TransportError):
            return Failure(EnumCoreErrorCode.NETWORK_ERROR, f"{self.name} {kind}", True)
        return None

    def _require(self, correlation_id: Maybe[UUID]) -> httpx.AsyncClient:
        if self._client is None:
            raise onex_error(
                f"{self.name} is not started: the handler must be initialized first",
                EnumCoreErrorCode.INVALID_STATE,
                correlation_id,
                retryable=False,
            )
        return self._client

    async def call(
        self,
        method: str,
        route: str,
        *,
        path_params: Mapping[str, object] | None = None,
        json: object = None,
        params: Mapping[str, str] | None = None,
        timeout_s: float | None = None,
        attempts: int = 1,
        correlation_id: Maybe[UUID] = None,
        idempotency_scope: str | None = None,
    ) -> httpx.Response:
        """``method`` on ``route`` (its placeholders filled from ``path_params``),
        the whole call (every attempt, every backoff wait, the whole answer) within
        ``timeout_s`` (default ``<prefix>_TIMEOUT_S``).

        Up to ``attempts`` sends: timeouts, transport errors and 408/429/502/503/504
        are tried again with backoff (at least a numeric Retry-After) when that is
        safe: an idempotent method, or POST/PATCH with its ``Idempotency-Key``
        (derived from ``correlation_id`` and ``idempotency_scope``, default the
        method and route; the same on every retry and every redelivery); a refused
        connection is always safe. A final error answer raises its status's code
        (``status_code`` in the context), a transport error NETWORK_ERROR, the
        deadline TIMEOUT, an answer over ``<prefix>_MAX_RESPONSE_BYTES``
        CONTRACT_VIOLATION, an open circuit SERVICE_UNAVAILABLE without sending.
        """
        if attempts < 1:
            raise onex_error(
                f"{method} {route}: attempts must be at least 1, got {attempts}",
                EnumCoreErrorCode.INVALID_PARAMETER,
                correlation_id,
            )
        method = method.upper()
        path = fill_route(route, path_params or {}, correlation_id)
        client = self._require(correlation_id)
        headers: dict[str, str] = {}
        if correlation_id is not None:
            headers["X-Correlation-ID"] = str(correlation_id)
        repeatable = method in IDEMPOTENT_METHODS
        if not repeatable and correlation_id is not None:
            headers["Idempotency-Key"] = idempotency_key(
                correlation_id, idempotency_scope or f"{method} {route}"
            )
            repeatable = True
        content = None
        if json is not None:
            content = json_bytes(json)
            headers["Content-Type"] = "application/json"
        request = client.build_request(
            method, path, params=params, headers=headers, content=content
        )
        circuit = self.circuit
        ticket = None
        if circuit is not None:
            ticket = circuit.admit()
            if ticket is None:
                raise onex_error(
                    f"{method} {route}: the {self.name} circuit is open after "
                    f"{circuit.consecutive_failures} consecutive failures; calls "
                    f"resume in {round(circuit.retry_in_s, 1)} s",
                    EnumCoreErrorCode.SERVICE_UNAVAILABLE,
                    correlation_id,
                    method=method,
                    route=route,
                )
        outcome: bool | None = None
        try:
            response = await self._send(
                client,
                request,
                route,
                timeout_s or self.timeout_s,
                attempts,
                repeatable,
                correlation_id,
            )
            outcome = True
            return response
        except ModelOnexError as error:
            outcome = error.error_code not in CIRCUIT_FAILURE_CODES
            raise
        finally:
            if circuit is not None and ticket is not None:
                circuit.settle(ticket, outcome)

    async def _send(
        self,
        client: httpx.AsyncClient,
        request: httpx.Request,
        route: str,
        deadline_s: float,
        attempts: int,
        repeatable: bool,
        correlation_id: Maybe[UUID],
    ) -> httpx.Response:
        loop = asyncio.get_running_loop()
        ends = loop.time() + deadline_s
        what = f"{request.method} {route}"
        attempt = 0
        try:
            async with asyncio.timeout_at(ends):
                while True:
                    attempt += 1
                    self.calls += 1
                    context: dict[str, object] = {
                        "method": request.method,
                        "route": route,
                        "attempts": attempt,
                    }
                    outcome, retry_after = await self._attempt(
                        client,
                        request,
                        what,
                        ends - loop.time(),
                        context,
                        correlation_id,
                    )
                    if isinstance(outcome, httpx.Response):
                        return outcome
                    # a connection that never opened sent nothing: always safe to retry
                    safe = repeatable or outcome.model.context.get("sent") is False
                    delay = self._backoff_s(attempt, retry_after)
                    if (
                        not (safe and is_retryable(outcome))
                        or attempt >= attempts
                        or loop.time() + delay >= ends
                    ):
                        raise outcome
                    self.retries += 1
                    emit_log(
                        EnumLogLevel.WARNING,
                        f"{what} failed ({outcome.error_code}); "
                        f"retrying in {round(delay, 3)} s",
                        self.node,
                        correlation_id,
                        **context,
                    )
                    await asyncio.sleep(delay)
        except TimeoutError:
            raise onex_error(
                f"{what} did not complete within {deadline_s} s (attempt {attempt})",
                EnumCoreErrorCode.TIMEOUT,
                correlation_id,
                method=request.method,
                route=route,
                attempts=attempt,
            ) from None

    async def _attempt(
        self,
        client: httpx.AsyncClient,
        request: httpx.Request,
        what: str,
        remaining_s: float,
        context: dict[str, object],
        correlation_id: Maybe[UUID],
    ) -> tuple[httpx.Response | ModelOnexError, str | None]:
        """One send: the answer read whole, or the error it ends in (returned, not
        raised) with the answer's Retry-After."""
        attempt = context["attempts"]
        request.extensions["timeout"] = httpx.Timeout(max(remaining_s, 0.001)).as_dict()
        url = request.url
        _ROUTE_LOG_FILTER.routes[id(url)] = (
            f"{url.scheme}://{url.netloc.decode()}{context['route']}"
        )
        try:
            streamed = await client.send(request, stream=True)
            response = await _read_bounded(
                streamed, self.max_response_bytes, what, correlation_id
            )
        except httpx.TransportError as error:
            code, sent = _transport_failure(error)
            failure = onex_error(
                f"{what} failed: {type(error).__name__} (attempt {attempt})",
                code,
                correlation_id,
                extra={**context, **({} if sent else {"sent": False})},
            )
            return failure, None
        finally:
            _ROUTE_LOG_FILTER.routes.pop(id(url), None)
        if not response.is_error:
            return response, None
        status = response.status_code
        failure = onex_error(
            f"{what} answered {status} {response.reason_phrase} (attempt {attempt})",
            http_error_code(status),
            correlation_id,
            retryable=status in RETRY_STATUSES,
            status_code=status,
            extra=context,
        )
        return failure, response.headers.get("Retry-After")

    def _backoff_s(self, attempt: int, retry_after: str | None) -> float:
        """The base doubled per attempt plus up to 10% jitter, at least a numeric
        Retry-After, at most the maximum."""
        delay = self.backoff_base_s * 2.0 ** (attempt - 1)
        delay += random.uniform(0.0, delay * 0.1)
        if retry_after is not None and retry_after.strip().isdecimal():
            delay = max(delay, float(retry_after))
        return min(self.backoff_max_s, delay)


def _transport_failure(error: httpx.TransportError) -> tuple[EnumCoreErrorCode, bool]:
    """The code of a transport failure, and whether the request may have been sent
    (not when the connection never opened)."""
    if isinstance(error, httpx.ConnectTimeout):
        return EnumCoreErrorCode.TIMEOUT, False
    if isinstance(error, httpx.ConnectError):
        return EnumCoreErrorCode.NETWORK_ERROR, False
    if isinstance(error, httpx.TimeoutException):
        return EnumCoreErrorCode.TIMEOUT, True
    return EnumCoreErrorCode.NETWORK_ERROR, True


async def _read_bounded(
    streamed: httpx.Response, limit: int, what: str, correlation_id: Maybe[UUID]
) -> httpx.Response:
    """The whole answer, read up to ``limit`` bytes; the connection is released."""
    body = bytearray()
    try:
        async for chunk in streamed.aiter_bytes():
            body += chunk
            if len(body) > limit:
                raise onex_error(
                    f"{what} answered more than {limit} bytes: not read further",
                    EnumCoreErrorCode.CONTRACT_VIOLATION,
                    correlation_id,
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

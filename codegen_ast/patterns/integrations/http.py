"""http: an ``httpx.AsyncClient``, probed with a GET of the service's health path,
and ``http_call``: the one way generated code sends a request.

``http_call(method, path, json=, params=, timeout_s=, attempts=, correlation_id=)``
sends the request with its own timeout and the correlation id as
``X-Correlation-ID``; when ``attempts`` > 1 (declared endpoints allow that only
for idempotent methods) it retries timeouts, transport errors and 502/503/504
with exponential backoff (capped, with jitter, honouring a numeric
``Retry-After``); it counts every request and every retry; a final 4xx/5xx
answer raises ``ModelOnexError`` with the code ``HTTP_ERROR_CODES`` gives the
status, a final timeout ``TIMEOUT``, a transport error ``NETWORK_ERROR``.

Configuration from the environment: ``HTTP_BASE_URL``, ``HTTP_TIMEOUT_S``,
``HTTP_HEALTH_PATH``, ``HTTP_BACKOFF_BASE_S``, ``HTTP_BACKOFF_MAX_S``,
``HTTP_MAX_RESPONSE_BYTES`` (10 MiB: a longer answer is not read further and
raises ``CONTRACT_VIOLATION``).
"""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders import support
from codegen_ast.builders.support import SupportModule
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import ErrorMapping, NodeContext
from codegen_ast.patterns.record import Example
from codegen_ast.patterns.integrations import declarative
from codegen_ast.patterns.integrations.base import (
    integration_pattern,
    Integration,
    Statements,
)
from codegen_ast.patterns.idioms import Setting, setting
from codegen_ast.target import ERROR_CODE, LOG_LEVEL, ONEX_ERROR, Symbol

RETRIES_COUNTER = "api_retries"


def _create() -> Statements:
    client = b.call(
        "httpx.AsyncClient",
        base_url=setting("HTTP_BASE_URL"),
        timeout=b.call("float", setting("HTTP_TIMEOUT_S")),
    )
    return [b.assign("client", client)]


def _close() -> Statements:
    return [b.do(b.await_(b.call("client.aclose")))]


def _probe() -> Statements:
    return [
        b.assign("response", b.await_(b.call("client.get", setting("HTTP_HEALTH_PATH")))),
        b.do(b.call("response.raise_for_status")),
    ]



def _module_statements() -> Statements:
    """The status map and the functions ``http_call`` uses."""
    return [
        *(support.statement(SupportModule.HTTP_API, name)
          for name in ("HTTP_RETRY_STATUSES", "HTTP_BACKOFF_JITTER", "HTTP_LOGGED_HOSTS", "HTTP_ERROR_CODES")),
        *(support.function(SupportModule.HTTP_API, name)
          for name in ("http_error_code", "http_backoff_s", "http_read_answer", "http_log_without_values")),
    ]






# path values that would make a path name another resource once httpx
# normalises it (``/items/..`` is ``/``): generated code refuses them
UNSAFE_PATH_VALUES = ("", ".", "..")
SEND = "_http_send"  # the sender's name when a circuit breaker guards http_call


def guards_http(context: NodeContext) -> bool:
    """Whether http_call sits behind a circuit breaker (codegen_ast.patterns.http.circuit_breaker)."""
    return "circuit_breaker" in context.selection.patterns


def http_call_params() -> list[Param]:
    """The parameters of http_call (and of the sender it may guard)."""
    return [
        Param("method", "str"),
        Param("path", "str"),
        Param("json", "object", "None", keyword_only=True),
        Param("params", b.annotation("Mapping[str, str] | None"), "None", keyword_only=True),
        Param("timeout_s", "float", keyword_only=True),
        Param("attempts", "int", keyword_only=True),
        Param("correlation_id", b.annotation("UUID | None"), keyword_only=True),
        Param("route", b.annotation("str | None"), "None", keyword_only=True),
    ]


def _http_call(name: str) -> cst.FunctionDef:
    """``http_call`` (or, behind a circuit breaker, the sender it guards, ``name``)."""
    return support.method(SupportModule.HTTP_API, "HttpCaller", "http_call").with_changes(name=b.name(name))


def _helpers(context: NodeContext) -> list[cst.FunctionDef]:
    # behind a circuit breaker the sender is _http_send, and http_call guards it
    return [_http_call(SEND if guards_http(context) else "http_call")]


HTTP = Integration(
    name="http",
    client_annotation="httpx.AsyncClient",
    imports=frozenset(
        {
            ("httpx", ""),
            ("logging", ""),
            ("asyncio", ""),
            ("random", ""),
            ("collections.abc", "Mapping"),
            ("uuid", "UUID"),
            (ERROR_CODE.module, ERROR_CODE.name),
            (ONEX_ERROR.module, ONEX_ERROR.name),
            (LOG_LEVEL.module, LOG_LEVEL.name),
        }
    ),
    settings=(
        Setting("HTTP_BASE_URL", "http://127.0.0.1:8080"),
        Setting("HTTP_TIMEOUT_S", "10"),
        Setting("HTTP_HEALTH_PATH", "/health"),
        Setting("HTTP_BACKOFF_BASE_S", "0.2"),
        Setting("HTTP_BACKOFF_MAX_S", "5"),
        Setting("HTTP_MAX_RESPONSE_BYTES", str(10 * 1024 * 1024)),
    ),
    create=_create,
    close=_close,
    probe=_probe,
    failure_code="NETWORK_ERROR",
    counter="api_calls",
    helpers=_helpers,
    errors=(
        ErrorMapping(Symbol("httpx", "TimeoutException"), "TIMEOUT"),
        ErrorMapping(Symbol("httpx", "HTTPStatusError"), "SERVICE_UNAVAILABLE"),
        ErrorMapping(Symbol("httpx", "TransportError"), "NETWORK_ERROR"),
    ),
    module_statements=_module_statements,
    more_counters=(RETRIES_COUNTER,),
)

PATTERN = integration_pattern(
    HTTP,
    (
        "an httpx.AsyncClient, probed with a GET of the service's health path, and http_call: "
        "the one way generated code sends a request."
    ),
    Example(
        before="response = requests.get(url)  # blocks the event loop, no timeout",
        after=(
            "answer = await self.http_call(\"GET\", \"/orders/1\", timeout_s=5.0, attempts=3, "
            "correlation_id=request.correlation_id)"
        ),
    ),
    ("tests/test_http_endpoints.py", "tests/test_live_services.py"),
    declarative=declarative.http,
)

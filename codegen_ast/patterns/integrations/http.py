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
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import ErrorMapping, NodeContext
from codegen_ast.patterns.record import Example
from codegen_ast.patterns.integrations.base import (
    integration_pattern,
    Integration,
    Setting,
    Statements,
    helper,
    setting,
)
from codegen_ast.patterns.core.metrics import metric_constant
from codegen_ast.target import ERROR_CODE, LOG_LEVEL, ONEX_ERROR, Symbol

# status -> EnumCoreErrorCode member; other 4xx are INVALID_INPUT, other 5xx OPERATION_FAILED
STATUS_CODES: dict[int, str] = {
    400: "VALIDATION_ERROR",
    401: "AUTHENTICATION_ERROR",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "TIMEOUT",
    409: "INVALID_STATE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMIT_ERROR",
    502: "DEPENDENCY_UNAVAILABLE",
    503: "SERVICE_UNAVAILABLE",
    504: "DEPENDENCY_UNAVAILABLE",
}
OTHER_CLIENT_ERROR = "INVALID_INPUT"
OTHER_SERVER_ERROR = "OPERATION_FAILED"
RETRY_STATUSES = (502, 503, 504)
JITTER = 0.1  # up to 10% more than the computed delay
RETRIES_COUNTER = "api_retries"
BODY_BYTES = 500  # of an error answer's body kept (decoded) in the error's context


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


def _code(member: str) -> cst.BaseExpression:
    return b.dotted(f"{ERROR_CODE.name}.{member}")


def _module_statements() -> Statements:
    """The status map and the two functions ``http_call`` uses."""
    codes: list[tuple[cst.BaseExpression, b.ExprLike]] = [
        (b.literal(status), _code(member)) for status, member in STATUS_CODES.items()
    ]
    error_code = b.function(
        "http_error_code",
        [Param("status_code", "int")],
        [
            b.assign("code", b.call("HTTP_ERROR_CODES.get", "status_code")),
            b.if_(b.compare("code", "is not", "None"), [b.return_("code")]),
            b.return_(
                b.if_exp(
                    b.compare("status_code", "<", b.literal(500)),
                    _code(OTHER_CLIENT_ERROR),
                    _code(OTHER_SERVER_ERROR),
                )
            ),
        ],
        returns=ERROR_CODE.name,
        doc=(
            f"The error code of a 4xx/5xx answer: HTTP_ERROR_CODES, else {OTHER_CLIENT_ERROR} (4xx) "
            f"or {OTHER_SERVER_ERROR} (5xx)."
        ),
    )
    growth = b.binop(b.literal(2.0), "**", b.parens(b.binop("attempt", "-", b.literal(1))))
    retry_after_seconds = b.and_(
        b.compare("retry_after", "is not", "None"),
        b.call(b.attr(b.call("retry_after.strip"), "isdecimal")),
    )
    backoff = b.function(
        "http_backoff_s",
        [Param("attempt", "int"), Param("retry_after", b.annotation("str | None"))],
        [
            b.assign("base", b.call("float", setting("HTTP_BACKOFF_BASE_S"))),
            b.assign("cap", b.call("float", setting("HTTP_BACKOFF_MAX_S"))),
            b.assign("delay", b.binop("base", "*", growth)),
            b.augment(
                "delay",
                "+=",
                b.call("random.uniform", b.literal(0.0), b.binop("delay", "*", "HTTP_BACKOFF_JITTER")),
            ),
            b.if_(
                retry_after_seconds,
                [b.assign("delay", b.call("max", "delay", b.call("float", "retry_after")))],
            ),
            b.return_(b.call("min", "cap", "delay")),
        ],
        returns="float",
        doc=(
            "Seconds to wait after failed attempt ``attempt`` (1, 2, ...): HTTP_BACKOFF_BASE_S doubled per "
            "attempt, plus up to 10% jitter, at least a numeric Retry-After, at most HTTP_BACKOFF_MAX_S."
        ),
    )
    dropped = b.set_(*(b.string_literal(h) for h in ("content-encoding", "content-length", "transfer-encoding")))
    too_large = b.raise_(
        _onex_error(
            b.formatted_string(
                b.dotted("streamed.request.method"), " ", b.dotted("streamed.request.url.path"),
                " answered more than ", b.name("limit"), " bytes (HTTP_MAX_RESPONSE_BYTES): not read further",
            ),
            _code("CONTRACT_VIOLATION"),
            status_code="streamed.status_code",
        )
    )
    read = b.function(
        "http_read_answer",
        [
            Param("streamed", "httpx.Response"),
            Param("limit", "int"),
            Param("correlation_id", b.annotation("UUID | None")),
        ],
        [
            b.assign("body", b.call("bytearray")),
            b.try_(
                [
                    b.for_(
                        "chunk",
                        b.call("streamed.aiter_bytes"),
                        [
                            b.augment("body", "+=", "chunk"),
                            b.if_(b.compare(b.call("len", "body"), ">", "limit"), [too_large]),
                        ],
                        is_async=True,
                    )
                ],
                [],
                finally_=[b.do(b.await_(b.call("streamed.aclose")))],
            ),
            b.assign(
                "headers",
                b.list_comp(
                    b.tuple_("name", "value"),
                    "name, value",
                    b.call("streamed.headers.multi_items"),
                    b.compare(b.call("name.lower"), "not in", dropped),
                ),
            ),
            b.return_(
                b.call(
                    "httpx.Response",
                    "streamed.status_code",
                    headers="headers",
                    content=b.call("bytes", "body"),
                    request="streamed.request",
                )
            ),
        ],
        returns="httpx.Response",
        is_async=True,
        doc=(
            "The whole answer, read (decoded) up to ``limit`` bytes: a longer one raises CONTRACT_VIOLATION "
            "instead of filling the memory. The connection is released either way."
        ),
    )
    return [
        b.assign(
            "HTTP_RETRY_STATUSES",
            b.call("frozenset", b.set_(*(b.literal(status) for status in RETRY_STATUSES))),
        ),
        b.assign("HTTP_BACKOFF_JITTER", b.literal(JITTER)),
        b.assign("HTTP_ERROR_CODES", b.dict_(codes), b.subscript("dict", "int", ERROR_CODE.name)),
        error_code,
        backoff,
        read,
    ]


def _onex_error(message: cst.BaseExpression, code: b.ExprLike, **context: b.ExprLike) -> cst.Call:
    return b.call(
        ONEX_ERROR.name,
        message=message,
        error_code=code,
        correlation_id="correlation_id",
        **context,
    )


def _call_context() -> dict[str, b.ExprLike]:
    return {"method": "method", "path": "path", "attempts": "attempt"}


def _request_line(*rest: str | cst.BaseExpression) -> cst.FormattedString:
    return b.formatted_string(b.name("method"), " ", b.name("path"), *rest)


def _retry_or_raise(final: cst.BaseStatement, reason: b.ExprLike) -> Statements:
    return [
        b.if_(b.compare("attempt", ">=", "attempts"), [final]),
        b.assign("reason", reason),
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
    ]


def _http_call(name: str) -> cst.FunctionDef:
    timed_out = b.raise_(
        _onex_error(
            _request_line(" timed out after ", b.name("timeout_s"), " s (attempt ", b.name("attempt"), ")"),
            _code("TIMEOUT"),
            **_call_context(),
        ),
        cause="error",
    )
    unreachable = b.raise_(
        _onex_error(
            _request_line(
                " failed (attempt ", b.name("attempt"), "): ",
                b.attr(b.call("type", "error"), "__name__"), ": ", b.name("error"),
            ),
            _code("NETWORK_ERROR"),
            **_call_context(),
        ),
        cause="error",
    )
    status = b.dotted("response.status_code")
    refused = [
        b.assign(
            "cause",
            b.call(
                "httpx.HTTPStatusError",
                _request_line(" answered ", status, " ", b.dotted("response.reason_phrase")),
                request="response.request",
                response="response",
            ),
        ),
        b.raise_(
            _onex_error(
                _request_line(
                    " answered ", status, " ", b.dotted("response.reason_phrase"), " (attempt ", b.name("attempt"), ")"
                ),
                b.call("http_error_code", status),
                status_code=status,
                # only the first bytes are decoded and kept: an error page can be large
                response_body=b.call(
                    b.attr(
                        cst.Subscript(
                            b.dotted("response.content"),
                            [cst.SubscriptElement(cst.Slice(lower=None, upper=b.literal(BODY_BYTES)))],
                        ),
                        "decode",
                    ),
                    b.string_literal("utf-8"),
                    b.string_literal("replace"),
                ),
                **_call_context(),
            ),
            cause="cause",
        ),
    ]
    answered = [
        b.if_chain(
            [
                (
                    b.and_(b.compare(status, "in", "HTTP_RETRY_STATUSES"), b.compare("attempt", "<", "attempts")),
                    [
                        b.assign("reason", b.formatted_string("answered ", status)),
                        b.assign("retry_after", b.call("response.headers.get", b.string_literal("Retry-After"))),
                    ],
                ),
                ("response.is_error", refused),
            ],
            [b.return_("response")],
        )
    ]
    # streamed, so that an answer is read only up to HTTP_MAX_RESPONSE_BYTES
    send = b.call(
        "client.send",
        b.call(
            "client.build_request",
            "method",
            "path",
            json="json",
            params="params",
            headers="headers",
            timeout="timeout_s",
        ),
        stream="True",
    )
    attempt_body: Statements = [
        b.do(b.call("self.increment_counter", metric_constant("api_calls"))),
        b.assign("retry_after", "None", b.annotation("str | None")),
        b.try_(
            [
                b.assign("streamed", b.await_(send)),
                b.assign(
                    "response",
                    b.await_(
                        b.call(
                            "http_read_answer",
                            "streamed",
                            b.call("int", setting("HTTP_MAX_RESPONSE_BYTES")),
                            "correlation_id",
                        )
                    ),
                ),
            ],
            [
                b.except_("httpx.TimeoutException", _retry_or_raise(timed_out, b.string_literal("timed out")), as_name="error"),
                b.except_(
                    "httpx.TransportError",
                    _retry_or_raise(unreachable, b.attr(b.call("type", "error"), "__name__")),
                    as_name="error",
                ),
            ],
            orelse=answered,
        ),
        b.assign("delay", b.call("http_backoff_s", "attempt", "retry_after")),
        b.do(b.call("self.increment_counter", metric_constant(RETRIES_COUNTER))),
        b.do(
            b.call(
                "self._emit_log",
                f"{LOG_LEVEL.name}.WARNING",
                _request_line(" ", b.name("reason"), "; retrying in ", b.call("round", "delay", b.literal(3)), " s"),
                "correlation_id",
                method="method",
                path="path",
                attempt="attempt",
            )
        ),
        b.do(b.await_(b.call("asyncio.sleep", "delay"))),
    ]
    not_ready = b.raise_(
        _onex_error(
            b.string_literal("http is not initialised: await node.initialize() first"),
            _code(HTTP.failure_code),
        )
    )
    no_attempt = b.raise_(
        _onex_error(
            _request_line(": attempts must be at least 1, got ", b.name("attempts")),
            _code("VALIDATION_ERROR"),
        )
    )
    headers = b.if_exp(
        b.compare("correlation_id", "is", "None"),
        b.dict_({}),
        b.dict_({"X-Correlation-ID": b.call("str", "correlation_id")}),
    )
    return helper(
        name,
        http_call_params(),
        [
            b.assign("client", HTTP.attribute),
            b.if_(b.compare("client", "is", "None"), [not_ready]),
            b.assign("headers", headers, b.annotation("dict[str, str]")),
            b.for_(
                "attempt",
                b.call("range", b.literal(1), b.binop("attempts", "+", b.literal(1))),
                attempt_body,
            ),
            no_attempt,
        ],
        "httpx.Response",
        (
            "Send one request with its own timeout and the correlation id as X-Correlation-ID; "
            "up to ``attempts`` sends (more than one only for idempotent methods), retrying "
            "timeouts, transport errors and 502/503/504 with exponential backoff. A final "
            "4xx/5xx answer raises ModelOnexError with the status's code (HTTP_ERROR_CODES), "
            "a final timeout TIMEOUT, a transport error NETWORK_ERROR."
        ),
    )


def _helpers(context: NodeContext) -> list[cst.FunctionDef]:
    # behind a circuit breaker the sender is _http_send, and http_call guards it
    return [_http_call(SEND if guards_http(context) else "http_call")]


HTTP = Integration(
    name="http",
    client_annotation="httpx.AsyncClient",
    imports=frozenset(
        {
            ("httpx", ""),
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
)

"""http: an ``httpx.AsyncClient``, probed with a GET of the service's health path.

Configuration from the environment: ``HTTP_BASE_URL``, ``HTTP_TIMEOUT_S``,
``HTTP_HEALTH_PATH``.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import ErrorMapping, NodeContext
from codegen_ast.patterns.integrations.base import (
    Integration,
    Setting,
    Statements,
    helper,
    ready_client,
    setting,
)
from codegen_ast.target import Symbol


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


def _helpers(context: NodeContext) -> list[cst.FunctionDef]:
    return [
        helper(
            "http_request",
            [
                Param("method", "str"),
                Param("path", "str"),
                Param("json", "object", "None", keyword_only=True),
                Param("params", b.annotation("dict[str, str] | None"), "None", keyword_only=True),
            ],
            [
                *ready_client(HTTP),
                b.assign(
                    "response",
                    b.await_(b.call("client.request", "method", "path", json="json", params="params")),
                ),
                b.do(b.call("response.raise_for_status")),
                b.return_("response"),
            ],
            "httpx.Response",
            "Send one request; a 4xx/5xx answer raises httpx.HTTPStatusError.",
        )
    ]


HTTP = Integration(
    name="http",
    client_annotation="httpx.AsyncClient",
    imports=frozenset({("httpx", "")}),
    settings=(
        Setting("HTTP_BASE_URL", "http://127.0.0.1:8080"),
        Setting("HTTP_TIMEOUT_S", "10"),
        Setting("HTTP_HEALTH_PATH", "/health"),
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
)

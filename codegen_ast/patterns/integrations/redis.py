"""redis: a ``redis.asyncio.Redis`` client, probed with ``PING``.

Configuration from the environment: ``REDIS_URL`` (credentials belong in the
URL from the environment, never in code), ``REDIS_SOCKET_TIMEOUT_S``.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import ErrorMapping, NodeContext
from codegen_ast.patterns.record import Example
from codegen_ast.patterns.integrations import declarative
from codegen_ast.patterns.integrations.base import (
    integration_pattern,
    Integration,
    Statements,
    helper,
    ready_client,
)
from codegen_ast.patterns.idioms import Setting, setting
from codegen_ast.target import Symbol


def _create() -> Statements:
    client = b.call(
        "redis.asyncio.Redis.from_url",
        setting("REDIS_URL"),
        socket_timeout=b.call("float", setting("REDIS_SOCKET_TIMEOUT_S")),
        decode_responses="True",
    )
    return [
        b.assign("client", client, b.annotation("redis.asyncio.Redis")),
        # from_url connects lazily: ping so that a wrong URL fails initialize()
        b.do(b.await_(b.call("client.ping"))),
    ]


def _close() -> Statements:
    return [b.do(b.await_(b.call("client.aclose")))]


def _probe() -> Statements:
    return [b.do(b.await_(b.call("client.ping")))]


def _helpers(context: NodeContext) -> list[cst.FunctionDef]:
    return [
        helper(
            "cache_get",
            [Param("key", "str")],
            [
                *ready_client(REDIS),
                b.assign("value", b.await_(b.call("client.get", "key")), b.annotation("bytes | str | None")),
                b.if_(b.call("isinstance", "value", "bytes"), [b.return_(b.call("value.decode"))]),
                b.return_("value"),
            ],
            b.annotation("str | None"),
            "The cached text under ``key``, or None.",
        ),
        helper(
            "cache_set",
            [Param("key", "str"), Param("value", "str"), Param("ttl_s", "int", b.literal(300), keyword_only=True)],
            [
                *ready_client(REDIS),
                b.do(b.await_(b.call("client.set", "key", "value", ex="ttl_s"))),
            ],
            "None",
            "Cache ``value`` under ``key`` for ``ttl_s`` seconds.",
        ),
    ]


REDIS = Integration(
    name="redis",
    client_annotation="redis.asyncio.Redis",
    imports=frozenset({("redis.asyncio", ""), ("redis.exceptions", "")}),
    settings=(
        Setting("REDIS_URL", "redis://127.0.0.1:6379/0"),
        Setting("REDIS_SOCKET_TIMEOUT_S", "5"),
    ),
    create=_create,
    close=_close,
    probe=_probe,
    failure_code="CACHE_CONNECTION_ERROR",
    counter="cache_commands",
    helpers=_helpers,
    errors=(
        ErrorMapping(Symbol("redis.exceptions", "ConnectionError"), "CACHE_CONNECTION_ERROR"),
        ErrorMapping(Symbol("redis.exceptions", "TimeoutError"), "CACHE_TIMEOUT_ERROR"),
        ErrorMapping(Symbol("redis.exceptions", "RedisError"), "CACHE_OPERATION_FAILED"),
    ),
)

PATTERN = integration_pattern(
    REDIS,
    "a redis.asyncio.Redis client, probed with PING.",
    Example(
        before="client = redis.Redis()  # created at import time",
        after="await self.cache_set(key, value, ttl_s=60)",
    ),
    ("tests/test_live_services.py", "tests/upgrade/test_upgrade_rules.py"),
    declarative=declarative.redis,
)

"""postgres: an asyncpg pool, probed with ``SELECT 1``.

Configuration from the environment: ``POSTGRES_DSN`` (the password comes with
the DSN or from ``PGPASSWORD``, never from code), ``POSTGRES_POOL_MIN_SIZE``,
``POSTGRES_POOL_MAX_SIZE``, ``POSTGRES_COMMAND_TIMEOUT_S``.
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
    pool = b.call(
        "asyncpg.create_pool",
        dsn=setting("POSTGRES_DSN"),
        min_size=b.call("int", setting("POSTGRES_POOL_MIN_SIZE")),
        max_size=b.call("int", setting("POSTGRES_POOL_MAX_SIZE")),
        command_timeout=b.call("float", setting("POSTGRES_COMMAND_TIMEOUT_S")),
    )
    return [b.assign("client", b.await_(pool))]


def _close() -> Statements:
    return [b.do(b.await_(b.call("client.close")))]


def _probe() -> Statements:
    return [
        b.with_(
            [(b.call("client.acquire"), "connection")],
            [b.do(b.await_(b.call("connection.fetchval", b.string_literal("SELECT 1"))))],
            is_async=True,
        )
    ]


def _helpers(context: NodeContext) -> list[cst.FunctionDef]:
    params = [Param("query", "str"), Param("*args", "object")]

    def run(method: str, result: str, annotation: b.ExprLike) -> Statements:
        return [
            *ready_client(POSTGRES),
            b.assign(result, b.await_(b.call(f"client.{method}", "query", b.star("args"))), annotation),
            b.return_(result),
        ]

    return [
        helper(
            "postgres_fetch",
            params,
            run("fetch", "rows", b.annotation("list[asyncpg.Record]")),
            b.annotation("list[asyncpg.Record]"),
            "Run a parametrised query ($1, $2, ...) and return its rows.",
        ),
        helper(
            "postgres_fetchrow",
            params,
            run("fetchrow", "row", b.annotation("asyncpg.Record | None")),
            b.annotation("asyncpg.Record | None"),
            "Run a parametrised query and return its first row, or None.",
        ),
        helper(
            "postgres_execute",
            params,
            run("execute", "status", "str"),
            "str",
            "Run a parametrised statement ($1, $2, ...) and return its status.",
        ),
        b.method(
            "postgres_transaction",
            [],
            [
                *ready_client(POSTGRES),
                b.with_(
                    [(b.call("client.acquire"), "connection")],
                    [
                        b.with_(
                            [(b.call("connection.transaction"), None)],
                            [b.do(b.yield_("connection"))],
                            is_async=True,
                        )
                    ],
                    is_async=True,
                ),
            ],
            returns=b.annotation("AsyncIterator[asyncpg.Connection]"),
            is_async=True,
            decorators=["contextlib.asynccontextmanager"],
            doc="A connection inside a transaction: committed on success, rolled back on error.",
        ),
    ]


POSTGRES = Integration(
    name="postgres",
    client_annotation="asyncpg.Pool",
    imports=frozenset({("asyncpg", ""), ("contextlib", ""), ("collections.abc", "AsyncIterator")}),
    settings=(
        Setting("POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"),
        Setting("POSTGRES_POOL_MIN_SIZE", "1"),
        Setting("POSTGRES_POOL_MAX_SIZE", "10"),
        Setting("POSTGRES_COMMAND_TIMEOUT_S", "30"),
    ),
    create=_create,
    close=_close,
    probe=_probe,
    failure_code="DATABASE_CONNECTION_ERROR",
    counter="queries",
    helpers=_helpers,
    errors=(
        ErrorMapping(Symbol("asyncpg", "PostgresConnectionError"), "DATABASE_CONNECTION_ERROR"),
        ErrorMapping(Symbol("asyncpg", "InterfaceError"), "DATABASE_CONNECTION_ERROR"),
        ErrorMapping(Symbol("asyncpg", "PostgresError"), "DATABASE_QUERY_ERROR"),
    ),
)

PATTERN = integration_pattern(
    POSTGRES,
    "an asyncpg pool, probed with SELECT 1.",
    Example(
        before="pool = await asyncpg.create_pool(DSN)  # in __init__, never closed",
        after="rows = await self.postgres_fetch(\"SELECT * FROM orders WHERE id = $1\", order_id)",
    ),
    ("tests/test_live_services.py", "tests/test_crud_live.py"),
    declarative=declarative.postgres,
)

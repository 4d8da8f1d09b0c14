"""PostgresPool on a real PostgreSQL: each failure class provoked for real, its
code, its SQLSTATE kept, retried when the server undid the statement, never a
value in the message."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from decimal import Decimal

import asyncpg
import pytest
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError

from onex_support.errors import error_context, is_retryable
from onex_support.postgres import PostgresPool
from tests.services import free_port
from tests.support.helpers import SECRET, Database


@pytest.fixture
async def pool(postgres_env: Database) -> AsyncIterator[PostgresPool]:
    admin = await postgres_env.admin()
    try:
        await admin.execute(
            "DROP TABLE IF EXISTS stock;"
            "CREATE TABLE stock (sku text PRIMARY KEY, quantity int NOT NULL CHECK (quantity >= 0),"
            " price numeric(12, 2));"
            "INSERT INTO stock VALUES ('a', 1, 1.10), ('b', 2, 2.20);"
            f'GRANT ALL ON stock TO "{postgres_env.server.user}";'
            # the pool's sessions detect a deadlock first (the admin session waits 1 s)
            f'ALTER ROLE "{postgres_env.server.user}" IN DATABASE "{postgres_env.name}"'
            " SET deadlock_timeout = '100ms'"
        )
    finally:
        await admin.close()
    postgres = PostgresPool()
    await postgres.start()
    yield postgres
    await postgres.stop()


async def refused(awaitable: object) -> ModelOnexError:
    with pytest.raises(ModelOnexError) as raised:
        await awaitable  # type: ignore[misc]
    assert SECRET not in raised.value.message
    return raised.value


async def test_numeric_reads_and_writes_decimal(pool: PostgresPool) -> None:
    await pool.execute("UPDATE stock SET price = $1 WHERE sku = 'a'", Decimal("0.10") + Decimal("0.20"))
    assert await pool.fetchval("SELECT price FROM stock WHERE sku = 'a'") == Decimal("0.30")


async def test_a_unique_violation_is_invalid_state_not_retried(pool: PostgresPool) -> None:
    error = await refused(pool.execute("INSERT INTO stock VALUES ($1, 1)", "a"))
    assert error.error_code == EnumCoreErrorCode.INVALID_STATE
    context = error_context(error)
    assert context["sqlstate"] == "23505" and context["constraint_name"] == "stock_pkey"
    assert not is_retryable(error) and context["attempts"] == 1


async def test_check_and_type_violations_are_validation_errors_without_the_value(pool: PostgresPool) -> None:
    check = await refused(pool.execute("UPDATE stock SET quantity = -1 WHERE sku = $1", "a"))
    assert check.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    assert error_context(check)["sqlstate"] == "23514"
    syntax = await refused(pool.fetchval("SELECT $1::text::int", SECRET))  # server-side 22P02
    assert syntax.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    assert error_context(syntax)["sqlstate"] == "22P02"
    argument = await refused(pool.fetchval("SELECT quantity FROM stock WHERE quantity = $1", SECRET))
    assert argument.error_code == EnumCoreErrorCode.VALIDATION_ERROR  # refused by the client
    assert not is_retryable(argument)


async def _deadlock(pool: PostgresPool, database: Database) -> tuple[object, ModelOnexError | None]:
    """The pool's transaction locks b then a; an admin transaction locks a then b."""
    admin = await database.admin()
    try:
        await admin.execute("BEGIN; UPDATE stock SET quantity = quantity WHERE sku = 'a'")
        holds_b = asyncio.Event()

        async def work(connection: asyncpg.Connection) -> object:
            await connection.execute("UPDATE stock SET quantity = quantity + 1 WHERE sku = 'b'")
            holds_b.set()
            return await connection.execute("UPDATE stock SET quantity = quantity + 1 WHERE sku = 'a'")

        task = asyncio.create_task(pool.transaction(work))
        await holds_b.wait()
        await admin.execute("UPDATE stock SET quantity = quantity WHERE sku = 'b'")
        await admin.execute("COMMIT")
        try:
            return await task, None
        except ModelOnexError as error:
            return None, error
    finally:
        await admin.close()


async def test_a_deadlock_is_retryable_and_keeps_its_sqlstate(
    pool: PostgresPool, postgres_env: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool.attempts = 1
    _, error = await _deadlock(pool, postgres_env)
    assert error is not None
    assert error.error_code == EnumCoreErrorCode.DATABASE_OPERATION_ERROR
    assert error_context(error)["sqlstate"] == "40P01" and is_retryable(error)


async def test_a_deadlocked_transaction_is_run_again_and_succeeds(pool: PostgresPool, postgres_env: Database) -> None:
    status, error = await _deadlock(pool, postgres_env)
    assert error is None and status == "UPDATE 1"
    assert pool.retries == 1
    assert await pool.fetchval("SELECT quantity FROM stock WHERE sku = 'b'") == 3  # once: the first was undone


async def test_a_lock_timeout_is_a_retryable_timeout_then_passes_once_the_lock_is_free(
    postgres_env: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTGRES_LOCK_TIMEOUT_S", "0.1")
    monkeypatch.setenv("POSTGRES_ATTEMPTS", "1")
    admin = await postgres_env.admin()
    pool = PostgresPool()
    await pool.start()
    try:
        await admin.execute("BEGIN; LOCK TABLE stock IN ACCESS EXCLUSIVE MODE")
        error = await refused(pool.fetchval("SELECT count(*) FROM stock"))
        assert error.error_code == EnumCoreErrorCode.TIMEOUT
        assert error_context(error)["sqlstate"] == "55P03" and is_retryable(error)
        pool.attempts = 5
        asyncio.get_running_loop().call_later(0.15, lambda: asyncio.ensure_future(admin.execute("COMMIT")))
        assert await pool.fetchval("SELECT count(*) FROM stock") == 2
        assert pool.retries >= 1
    finally:
        await pool.stop()
        await admin.close()


async def test_too_many_connections_is_a_retryable_connection_error(
    postgres_env: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    role, password = f"limited_{secrets.token_hex(3)}", secrets.token_hex(8)
    admin = await postgres_env.admin()
    await admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}' CONNECTION LIMIT 1")
    server = postgres_env.server
    dsn = f"postgresql://{role}:{password}@{server.host}:{server.port}/{postgres_env.name}"
    monkeypatch.setenv("POSTGRES_DSN", dsn)
    monkeypatch.setenv("POSTGRES_POOL_MIN_SIZE", "0")
    monkeypatch.setenv("POSTGRES_ATTEMPTS", "2")
    holder = await asyncpg.connect(dsn)
    pool = PostgresPool()
    await pool.start()
    try:
        error = await refused(pool.fetchval("SELECT 1"))
        assert error.error_code == EnumCoreErrorCode.DATABASE_CONNECTION_ERROR
        assert error_context(error)["sqlstate"] == "53300" and is_retryable(error)
        assert pool.retries == 1  # it never reached the server: tried again
    finally:
        await pool.stop()
        await holder.close()
        await admin.execute(f"DROP ROLE {role}")
        await admin.close()


async def test_a_serialization_failure_is_retryable(pool: PostgresPool, postgres_env: Database) -> None:
    pool.attempts = 1
    admin = await postgres_env.admin()
    read = asyncio.Event()

    async def work(connection: asyncpg.Connection) -> object:
        async with connection.transaction(isolation="repeatable_read"):
            await connection.fetchval("SELECT quantity FROM stock WHERE sku = 'a'")
            read.set()
            await asyncio.sleep(0.1)  # meanwhile another transaction changes the row
            return await connection.execute("UPDATE stock SET quantity = 9 WHERE sku = 'a'")

    try:
        task = asyncio.create_task(pool.run(work))
        await read.wait()
        await admin.execute("UPDATE stock SET quantity = 5 WHERE sku = 'a'")
        error = await refused(task)
    finally:
        await admin.close()
    assert error.error_code == EnumCoreErrorCode.DATABASE_OPERATION_ERROR
    assert error_context(error)["sqlstate"] == "40001" and is_retryable(error)


async def test_a_refused_connection_is_a_connection_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTGRES_DSN", f"postgresql://u:p@127.0.0.1:{free_port()}/db")
    monkeypatch.setenv("POSTGRES_POOL_MIN_SIZE", "0")
    monkeypatch.setenv("POSTGRES_BACKOFF_BASE_S", "0.01")
    pool = PostgresPool()
    await pool.start()
    try:
        error = await refused(pool.fetch("SELECT 1"))
    finally:
        await pool.stop()
    assert error.error_code == EnumCoreErrorCode.DATABASE_CONNECTION_ERROR
    assert is_retryable(error) and error_context(error)["attempts"] == 3

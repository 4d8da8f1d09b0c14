"""PostgreSQL through an asyncpg pool: a node resource configured from the
environment, whose failures are classified by SQLSTATE.

A statement the server rolled back on its own (deadlock, serialization failure,
lock timeout, statement timeout) or that never reached it (no connection, too
many connections) is run again, up to ``POSTGRES_ATTEMPTS`` times with backoff;
the others raise at once. The SQLSTATE stays in the error's context.

Settings: ``POSTGRES_DSN`` (postgresql://postgres@127.0.0.1:5432/postgres; the
password in the DSN or ``PGPASSWORD``), ``POSTGRES_POOL_MIN_SIZE`` (1),
``POSTGRES_POOL_MAX_SIZE`` (10), ``POSTGRES_CONNECT_TIMEOUT_S`` (5),
``POSTGRES_STATEMENT_TIMEOUT_S`` (30), ``POSTGRES_LOCK_TIMEOUT_S`` (5),
``POSTGRES_ATTEMPTS`` (3), ``POSTGRES_BACKOFF_BASE_S`` (0.05).
"""

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg  # type: ignore[import-untyped, unused-ignore]
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError

from onex_support.errors import Classification, Failure, onex_error
from onex_support.settings import setting_float, setting_int, setting_str

__all__ = ["PostgresPool", "classify_postgres"]

T = TypeVar("T")
Code = EnumCoreErrorCode

# SQLSTATE -> (code, retryable); then by class (the first two characters)
SQLSTATES: dict[str, tuple[EnumCoreErrorCode, bool]] = {
    "40001": (Code.DATABASE_OPERATION_ERROR, True),  # serialization_failure
    "40P01": (Code.DATABASE_OPERATION_ERROR, True),  # deadlock_detected
    "55P03": (Code.TIMEOUT, True),  # lock_not_available (lock_timeout, NOWAIT)
    "57014": (Code.TIMEOUT, True),  # query_canceled (statement_timeout)
    "53300": (Code.DATABASE_CONNECTION_ERROR, True),  # too_many_connections
    "53200": (Code.RESOURCE_UNAVAILABLE, True),  # out_of_memory
    "53100": (Code.RESOURCE_UNAVAILABLE, False),  # disk_full
    "57P01": (Code.DATABASE_CONNECTION_ERROR, True),  # admin_shutdown
    "57P02": (Code.DATABASE_CONNECTION_ERROR, True),  # crash_shutdown
    "57P03": (Code.DATABASE_CONNECTION_ERROR, True),  # cannot_connect_now
    "23505": (Code.INVALID_STATE, False),  # unique_violation: it exists already
    "42501": (Code.PERMISSION_DENIED, False),  # insufficient_privilege
}
SQLSTATE_CLASSES: dict[str, tuple[EnumCoreErrorCode, bool]] = {
    "08": (Code.DATABASE_CONNECTION_ERROR, True),  # connection exception
    "22": (Code.VALIDATION_ERROR, False),  # data exception: a value does not fit
    "23": (Code.VALIDATION_ERROR, False),  # integrity constraint violation
    "28": (Code.AUTHENTICATION_ERROR, False),  # invalid authorization
    "53": (Code.RESOURCE_UNAVAILABLE, True),  # insufficient resources
}
# the server undid the statement (or never started it): running it again is safe
NOT_APPLIED = frozenset({"40001", "40P01", "55P03", "57014", "53300", "57P03"})


def classify_postgres(error: BaseException, *, within: bool = False) -> Classification:
    """SQLSTATE first, then its class, then asyncpg's connection errors (and, for
    an error raised ``within`` a pool call, refused connections and timeouts); the
    detail names the condition, table, column and constraint, never a value."""
    if isinstance(error, asyncpg.PostgresError):
        sqlstate = str(getattr(error, "sqlstate", "") or "")
        code, retryable = SQLSTATES.get(
            sqlstate,
            SQLSTATE_CLASSES.get(sqlstate[:2], (Code.DATABASE_QUERY_ERROR, False)),
        )
        context: dict[str, object] = {"sqlstate": sqlstate}
        names = []
        for attribute in ("table_name", "column_name", "constraint_name"):
            value = getattr(error, attribute, None)
            if value:
                context[attribute] = str(value)
                names.append(f"{attribute.split('_')[0]} {value}")
        detail = f"{type(error).__name__} (SQLSTATE {sqlstate})"
        if names:
            detail += f" on {', '.join(names)}"
        return Failure(code, detail, retryable, context)
    if within and isinstance(error, TimeoutError):
        return Failure(Code.TIMEOUT, "no answer in time", True)
    if isinstance(error, asyncpg.InterfaceError) and isinstance(error, ValueError):
        # refused by the client before sending: an argument that does not fit its
        # column's type (DataError), or a bad connection setting
        if type(error).__name__ == "ClientConfigurationError":
            return Failure(Code.CONFIGURATION_ERROR, type(error).__name__)
        return Failure(
            Code.VALIDATION_ERROR,
            f"{type(error).__name__}: a query argument does not fit its column type",
        )
    if (
        isinstance(error, asyncpg.InterfaceError)
        and "Unsupported" in type(error).__name__
    ):
        return Failure(Code.DATABASE_QUERY_ERROR, type(error).__name__)
    if isinstance(error, asyncpg.InterfaceError) or (
        within and isinstance(error, OSError)
    ):
        return Failure(
            Code.DATABASE_CONNECTION_ERROR,
            f"connection failed: {type(error).__name__}",
            True,
        )
    return None


def _not_applied(error: BaseException) -> bool:
    if isinstance(error, asyncpg.PostgresError):
        return str(getattr(error, "sqlstate", "")) in NOT_APPLIED
    # refused before a connection existed
    return isinstance(error, ConnectionRefusedError)


class PostgresPool:
    """An asyncpg pool from ``POSTGRES_DSN``, created in ``start`` unless one was
    given; ``fetch``/``fetchrow``/``fetchval``/``execute`` run one statement,
    ``transaction`` a unit of work, each tried again when the server undid it."""

    name = "postgres"
    critical = True
    start_error = EnumCoreErrorCode.DATABASE_CONNECTION_ERROR

    def __init__(self, pool: asyncpg.Pool | None = None) -> None:
        self._pool = pool
        self._owned = pool is None
        self.dsn = setting_str(
            "POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
        )
        self.min_size = setting_int("POSTGRES_POOL_MIN_SIZE", 1, minimum=0)
        self.max_size = setting_int("POSTGRES_POOL_MAX_SIZE", 10, minimum=1)
        self.connect_timeout_s = setting_float(
            "POSTGRES_CONNECT_TIMEOUT_S", 5.0, positive=True
        )
        self.statement_timeout_s = setting_float(
            "POSTGRES_STATEMENT_TIMEOUT_S", 30.0, positive=True
        )
        self.lock_timeout_s = setting_float(
            "POSTGRES_LOCK_TIMEOUT_S", 5.0, positive=True
        )
        self.attempts = setting_int("POSTGRES_ATTEMPTS", 3, minimum=1)
        self.backoff_base_s = setting_float(
            "POSTGRES_BACKOFF_BASE_S", 0.05, minimum=0.0
        )
        self.queries = 0
        self.retries = 0

    @property
    def started(self) -> bool:
        return self._pool is not None

    async def start(self) -> None:
        if self._pool is None:
            self._owned = True
            self._pool = await asyncpg.create_pool(
                dsn=self.dsn,
                min_size=min(self.min_size, self.max_size),
                max_size=self.max_size,
                timeout=self.connect_timeout_s,
                # the client gives up a second after the server's own limit
                command_timeout=self.statement_timeout_s + 1.0,
                server_settings={
                    "statement_timeout": f"{int(self.statement_timeout_s * 1000)}ms",
                    "lock_timeout": f"{int(self.lock_timeout_s * 1000)}ms",
                },
            )

    async def stop(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None and self._owned:
            await pool.close()

    async def probe(self) -> None:
        async with self._require().acquire() as connection:
            await connection.fetchval("SELECT 1")

    def classify(self, error: BaseException) -> Classification:
        return classify_postgres(error)

    def _require(self) -> asyncpg.Pool:
        if self._pool is None:
            raise onex_error(
                "postgres is not started: the handler must be initialized first",
                EnumCoreErrorCode.INVALID_STATE,
                retryable=False,
            )
        return self._pool

    async def run(self, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        """``work`` on one pooled connection; run again (new connection, backoff)
        when the server undid it or no connection could be had, up to
        POSTGRES_ATTEMPTS times. A database failure raises as a ModelOnexError of
        its SQLSTATE's code; what ``work`` raises itself passes through."""
        pool = self._require()
        attempt = 0
        while True:
            attempt += 1
            self.queries += 1
            try:
                async with pool.acquire(timeout=self.connect_timeout_s) as connection:
                    return await work(connection)
            except ModelOnexError:
                raise
            except Exception as error:
                failure = classify_postgres(error, within=True)
                if failure is None:
                    raise
                if attempt < self.attempts and _not_applied(error):
                    self.retries += 1
                    delay = self.backoff_base_s * 2.0 ** (attempt - 1)
                    await asyncio.sleep(delay + random.uniform(0.0, delay))
                    continue
                raise onex_error(
                    f"postgres: {failure.detail} (attempt {attempt})",
                    failure.code,
                    retryable=failure.retryable,
                    attempts=attempt,
                    extra=failure.context,
                ) from None

    async def transaction(
        self, work: Callable[[asyncpg.Connection], Awaitable[T]]
    ) -> T:
        """``work`` in a transaction (committed when it returns, rolled back when it
        raises), the whole transaction run again when the server undid it."""

        async def in_transaction(connection: asyncpg.Connection) -> T:
            async with connection.transaction():
                return await work(connection)

        return await self.run(in_transaction)

    async def fetch(self, query: str, *args: object) -> list[asyncpg.Record]:
        """Run a parametrised query ($1, $2, ...) and return its rows."""

        async def work(connection: asyncpg.Connection) -> list[asyncpg.Record]:
            rows: list[asyncpg.Record] = await connection.fetch(query, *args)
            return rows

        return await self.run(work)

    async def fetchrow(self, query: str, *args: object) -> asyncpg.Record | None:
        """Run a parametrised query and return its first row, or None."""

        async def work(connection: asyncpg.Connection) -> asyncpg.Record | None:
            row: asyncpg.Record | None = await connection.fetchrow(query, *args)
            return row

        return await self.run(work)

    async def fetchval(self, query: str, *args: object) -> object:
        """Run a parametrised query and return the first column of its first row."""

        async def work(connection: asyncpg.Connection) -> object:
            value: object = await connection.fetchval(query, *args)
            return value

        return await self.run(work)

    async def execute(self, query: str, *args: object) -> str:
        """Run a parametrised statement and return its status (``UPDATE 1``)."""

        async def work(connection: asyncpg.Connection) -> str:
            status: str = await connection.execute(query, *args)
            return status

        return await self.run(work)

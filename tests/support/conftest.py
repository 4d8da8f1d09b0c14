"""Fixtures for the tests of onex_support (helpers in tests/support/helpers.py)."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import pytest

from tests.services import PostgresServer
from tests.support.helpers import Database, HttpStandIn


@pytest.fixture(scope="module")
def database(postgres_server: PostgresServer) -> Iterator[Database]:
    """A fresh database owned by the test user, dropped after the module."""
    name = f"support_{secrets.token_hex(4)}"

    async def run(sql: str) -> None:
        connection = await asyncpg.connect(
            host=str(postgres_server.socket_dir), port=postgres_server.port, user="postgres", database="postgres"
        )
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(run(f'CREATE DATABASE "{name}" OWNER "{postgres_server.user}"'))
    try:
        yield Database(postgres_server, name)
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def postgres_env(database: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """POSTGRES_DSN points at the module's database; quick retries."""
    monkeypatch.setenv("POSTGRES_DSN", database.dsn)
    monkeypatch.setenv("POSTGRES_BACKOFF_BASE_S", "0.01")
    return database


@pytest.fixture(scope="module")
def http_server() -> Iterator[HttpStandIn]:
    with HttpStandIn() as server:
        yield server


@pytest.fixture
def http_env(http_server: HttpStandIn, monkeypatch: pytest.MonkeyPatch) -> HttpStandIn:
    """HTTP_BASE_URL points at a reset stand-in; quick backoff."""
    http_server.reset()
    monkeypatch.setenv("HTTP_BASE_URL", http_server.url)
    monkeypatch.setenv("HTTP_BACKOFF_BASE_S", "0.01")
    return http_server


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log record at DEBUG and above, from every logger."""
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.fixture
async def bus() -> AsyncIterator[Any]:
    """The framework's in-memory event bus (what RuntimeLocal injects), started."""
    from omnibase_core.event_bus.event_bus_inmemory import EventBusInmemory

    event_bus = EventBusInmemory(environment="local", group="support-tests")
    await event_bus.start()
    yield event_bus
    await event_bus.close()

"""pytest fixtures and helpers of the generated tests (``tests/conftest.py`` imports them).

* ``postgres``: a schema of its own on a real PostgreSQL server (ONEX_TEST_POSTGRES_DSN,
  else a throwaway one), the package's ``migrations/*.sql`` applied, ``POSTGRES_DSN``
  pointing at it; dropped after the test. Its ``rows`` reads a table back directly.
* ``redis``: ``REDIS_URL`` pointing at a real, emptied Redis.
* ``kafka``: ``KAFKA_BOOTSTRAP_SERVERS`` pointing at a real Kafka-wire broker (Tansu).
* ``http_api``: ``HTTP_BASE_URL`` pointing at a scripted HTTP stand-in.
* ``bus``: the framework's in-memory event bus, the one RuntimeLocal injects into
  handlers; ``published`` reads what went to a topic.
* ``call``: runs one request through a handler as the runtime does (built with the
  bus, ``handle``, ``shutdown``).
* ``routing_table``: the contract's ``handler_routing`` as the framework resolves it.
* ``discover``: one discovery request through the node's discovery handler, the same
  way; what it answered on the discovery event topic, as ``Discovered`` values.
"""

import asyncio
import json
import secrets
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast
from uuid import uuid4

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import pytest
import pytest_asyncio
import yaml  # type: ignore[import-untyped, unused-ignore]
from omnibase_core.constants.constants_topic_taxonomy import TOPIC_DISCOVERY_EVENTS
from omnibase_core.errors import ModelOnexError
from omnibase_core.event_bus.event_bus_inmemory import EventBusInmemory
from omnibase_core.models.contracts.subcontracts.model_handler_routing_subcontract import (
    ModelHandlerRoutingSubcontract,
)
from omnibase_core.mixins.mixin_handler_routing import MixinHandlerRouting
from omnibase_core.models.core.model_onex_event import ModelOnexEvent
from omnibase_core.protocols.event_bus import ProtocolEventBusPublisher

from onex_support.discovery import ModelDiscoveryCommand
from onex_support.errors import error_context
from onex_support.handlers.discovery import DiscoveryHandler
from onex_support.testing.http_stand_in import HttpStandIn
from onex_support.testing.servers import (
    Server,
    kafka_bootstrap,
    postgres_dsn,
    redis_url,
)

__all__ = [
    "Bus",
    "Database",
    "Discovered",
    "bus",
    "call",
    "consul_off",
    "context",
    "discover",
    "http_api",
    "in_stages",
    "kafka",
    "kafka_server",
    "metrics",
    "onex_servers",
    "postgres",
    "postgres_server",
    "published",
    "redis",
    "redis_server",
    "routing_table",
    "stand_in",
    "topic_route",
]

AnswerT = TypeVar("AnswerT")
AnswerCo = TypeVar("AnswerCo", covariant=True)
Bus = EventBusInmemory  # what RuntimeLocal injects into handlers


async def _statement(connection: Any, template: str, *identifiers: str) -> str:
    """``template`` with each ``%I`` filled by an identifier, quoted by PostgreSQL's
    own ``format()`` (identifiers cannot be parameters; values still are)."""
    text = await connection.fetchval("SELECT format($1, VARIADIC $2::text[])", template, list(identifiers))
    return str(text)


class Database:
    """The test's schema: ``dsn`` reaches it (its search_path), ``rows`` reads a table."""

    def __init__(self, dsn: str, schema: str) -> None:
        self.dsn = dsn
        self.schema = schema

    async def rows(self, table: str, order_by: str) -> list[dict[str, Any]]:
        """Every row of ``table`` in ``order_by`` order, read with a connection of its own."""
        connection = await asyncpg.connect(self.dsn)
        try:
            found = await connection.fetch(
                await _statement(connection, "SELECT * FROM %I ORDER BY %I", table, order_by)
            )
        finally:
            await connection.close()
        return [dict(row) for row in found]

    async def insert(self, table: str, row: dict[str, object]) -> None:
        """Write ``row`` into ``table`` directly (not through the node)."""
        names = ", ".join("%I" for _ in row)
        places = ", ".join(f"${number}" for number in range(1, len(row) + 1))
        connection = await asyncpg.connect(self.dsn)
        try:
            await connection.execute(
                await _statement(connection, f"INSERT INTO %I ({names}) VALUES ({places})", table, *row),
                *row.values(),
            )
        finally:
            await connection.close()


@pytest.fixture(scope="session")
def onex_servers() -> Iterator[list[Server]]:
    """The throwaway servers this session started, stopped at its end."""
    started: list[Server] = []
    yield started
    for server in reversed(started):
        server.stop()


@pytest.fixture(scope="session")
def postgres_server(onex_servers: list[Server]) -> str:
    """The DSN of a real PostgreSQL server (skips when there is none)."""
    return postgres_dsn(onex_servers)


def _in_schema(dsn: str, schema: str) -> str:
    return f"{dsn}{'&' if '?' in dsn else '?'}search_path={schema}"


@pytest.fixture
def postgres(
    postgres_server: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Database]:
    """A fresh schema with the package's migrations; POSTGRES_DSN reaches it."""
    schema = f"test_{secrets.token_hex(6)}"
    package = Path(str(request.path)).resolve().parent.parent
    migrations = sorted((package / "migrations").glob("*.sql"))

    async def prepare() -> None:
        connection = await asyncpg.connect(postgres_server)
        try:
            await connection.execute(await _statement(connection, "CREATE SCHEMA %I", schema))
            await connection.execute("SELECT set_config('search_path', $1, false)", schema)
            for migration in migrations:
                await connection.execute(migration.read_text(encoding="utf-8"))
        finally:
            await connection.close()

    async def drop() -> None:
        connection = await asyncpg.connect(postgres_server)
        try:
            await connection.execute(await _statement(connection, "DROP SCHEMA %I CASCADE", schema))
        finally:
            await connection.close()

    asyncio.run(prepare())
    database = Database(_in_schema(postgres_server, schema), schema)
    monkeypatch.setenv("POSTGRES_DSN", database.dsn)
    monkeypatch.setenv("POSTGRES_BACKOFF_BASE_S", "0.01")
    try:
        yield database
    finally:
        asyncio.run(drop())


@pytest.fixture(scope="session")
def redis_server(onex_servers: list[Server]) -> str:
    """The URL of a real Redis server (skips when there is none)."""
    return redis_url(onex_servers)


@pytest.fixture
def redis(redis_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """REDIS_URL reaches an emptied Redis."""
    import redis.asyncio as aioredis  # type: ignore[import-untyped, unused-ignore]

    async def flush() -> None:
        client = aioredis.from_url(redis_server)
        try:
            await client.flushdb()
        finally:
            await client.aclose()

    asyncio.run(flush())
    monkeypatch.setenv("REDIS_URL", redis_server)
    return redis_server


@pytest.fixture(scope="session")
def kafka_server(onex_servers: list[Server]) -> str:
    """The bootstrap address of a real Kafka-wire broker (skips when there is none)."""
    return kafka_bootstrap(onex_servers)


@pytest.fixture
def kafka(kafka_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """KAFKA_BOOTSTRAP_SERVERS reaches the broker."""
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_server)
    return kafka_server


@pytest.fixture
def consul_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Consul registration (no agent runs in tests): CONSUL_ENABLE_REGISTRATION=false."""
    monkeypatch.setenv("CONSUL_ENABLE_REGISTRATION", "false")


@pytest.fixture(scope="session")
def stand_in() -> Iterator[HttpStandIn]:
    with HttpStandIn() as server:
        yield server


@pytest.fixture
def http_api(stand_in: HttpStandIn, monkeypatch: pytest.MonkeyPatch) -> HttpStandIn:
    """HTTP_BASE_URL reaches the stand-in, its scripts and records cleared; quick backoff."""
    stand_in.reset()
    monkeypatch.setenv("HTTP_BASE_URL", stand_in.url)
    monkeypatch.setenv("HTTP_BACKOFF_BASE_S", "0.01")
    return stand_in


@pytest_asyncio.fixture
async def bus() -> AsyncIterator[EventBusInmemory]:
    """The framework's in-memory event bus (what RuntimeLocal injects), started."""
    event_bus = EventBusInmemory(environment="test", group="generated-tests")
    await event_bus.start()
    yield event_bus
    await event_bus.close()


async def published(event_bus: EventBusInmemory, topic: str) -> list[dict[str, Any]]:
    """The envelopes published on ``topic``, decoded, oldest first."""
    history = await event_bus.get_event_history(topic=topic)
    return [json.loads(message.value) for message in history]


class Answering(Protocol[AnswerCo]):
    async def handle(self, request: Any) -> AnswerCo | None: ...

    async def shutdown(self) -> None: ...


class AnsweringType(Protocol[AnswerCo]):
    def __call__(
        self, container: None = None, event_bus: Any = None
    ) -> Answering[AnswerCo]: ...


async def call(
    handler_type: AnsweringType[AnswerT], request: object, event_bus: object = None
) -> AnswerT:
    """One request through a new handler, as the runtime runs it; shut down after.
    A handler that does not take the request (another operation's) fails the test."""
    handler = handler_type(None, event_bus)
    try:
        answer = await handler.handle(request)
    finally:
        await handler.shutdown()
    assert answer is not None, f"{handler_type!r} answered nothing to {request!r}"
    return answer


@dataclass(frozen=True)
class Discovered:
    """One answer to a discovery request: what the node said of itself (its
    introspection, type, version, capabilities and health; not its running id)."""

    node_name: str
    node_type: str
    version: tuple[int, int, int]
    description: str
    operations: tuple[str, ...]
    capabilities: tuple[str, ...]
    health: str


def _discovered(answer: dict[str, Any]) -> Discovered:
    introspection = answer["introspection"]
    version = answer["version"]
    return Discovered(
        node_name=introspection["node_name"],
        node_type=answer["node_type"],
        version=(version["major"], version["minor"], version["patch"]),
        description=introspection["description"],
        operations=tuple(introspection["supported_operations"]),
        capabilities=tuple(answer["capabilities"]),
        health=answer["health_status"],
    )


async def discover(
    handler_type: type[DiscoveryHandler[Any]],
    event_bus: EventBusInmemory,
    capabilities: Sequence[str],
    node_types: Sequence[str] = (),
) -> list[Discovered]:
    """A discovery request for ``capabilities`` (and ``node_types``, when given)
    through a new ``handler_type``, as the runtime delivers one (built with the bus,
    ``handle``, ``shutdown``): the answers it published on the discovery event topic."""
    request = ModelOnexEvent(event_type="NODE_DISCOVERY_REQUEST", node_id=uuid4()).model_dump(mode="json")
    # the request's metadata goes where the responder reads it: in its data, as sent
    request["data"] = {
        "request_id": str(uuid4()),
        "requested_capabilities": list(capabilities),
        "node_types": list(node_types),  # none: any node type
    }
    before = len(await published(event_bus, TOPIC_DISCOVERY_EVENTS))
    # the framework's in-memory bus implements the publisher, though not to the letter of its types
    handler = handler_type(None, cast(ProtocolEventBusPublisher, event_bus))
    try:
        await handler.handle(ModelDiscoveryCommand(**request))
    finally:
        await handler.shutdown()
    answers = (await published(event_bus, TOPIC_DISCOVERY_EVENTS))[before:]
    return [_discovered(answer["payload"]["data"]) for answer in answers]


def metrics(registry: Any) -> dict[str, float]:
    """The metrics the node recorded in this event loop, by name (``<node>.operations``...)."""
    recorded: dict[str, dict[str, Any]] = registry.resources().get_metrics()
    return {name: float(entry["value"]) for name, entry in recorded.items()}


def in_stages(actual: object, stages: Sequence[Sequence[object]]) -> bool:
    """Whether ``actual`` (a list) is each stage in turn, the items of one stage in
    any order (the steps of a saga stage run together)."""
    if not isinstance(actual, list):
        return False
    at = 0
    for stage in stages:
        if sorted(map(repr, actual[at : at + len(stage)])) != sorted(map(repr, stage)):
            return False
        at += len(stage)
    return at == len(actual)


def routing_table(contract: Path) -> dict[str, list[str]]:
    """The handler classes the framework routes each key to (an event model's name under
    payload_type_match, an operation under operation_match), read from ``contract``'s
    ``handler_routing`` by the framework's own model."""
    data = yaml.safe_load(contract.read_text(encoding="utf-8"))
    routing = ModelHandlerRoutingSubcontract.model_validate(data["handler_routing"])
    return routing.build_routing_table()


def topic_route(contract: Path, topic: str) -> list[str]:
    """The handler classes the framework routes a message on ``topic`` to under
    ``topic_pattern``: its MixinHandlerRouting over ``contract``'s ``handler_routing``
    (each entry's ``event_type`` a glob; the first matching pattern, in the contract's
    order, wins; else the default handler)."""
    data = yaml.safe_load(contract.read_text(encoding="utf-8"))
    router = MixinHandlerRouting()
    # the registry is only held until handlers are resolved, which this does not do
    router._init_handler_routing(ModelHandlerRoutingSubcontract.model_validate(data["handler_routing"]), cast(Any, router))
    return router._get_handler_keys_for_routing_key(topic)


def context(error: ModelOnexError) -> dict[str, object]:
    """The context an error was raised with (table, field, sqlstate, status_code...)."""
    return error_context(error)

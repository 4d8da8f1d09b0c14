"""Generated nodes against real services: PostgreSQL and Redis servers and a Kafka-wire
broker (Tansu) started by the tests, and a Consul agent stand-in (a local HTTP server
speaking the agent API; no Consul can be installed here)."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import aiokafka
import aiokafka.errors
import asyncpg
import pytest
import redis.asyncio
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.enums.enum_health_status_value import EnumHealthStatusValue
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.container.model_onex_container import ModelONEXContainer

from codegen_ast.generate import generate
from codegen_ast.spec import NodeSpec
from tests.imports import imported
from tests.services import ConsulAgentStandIn, KafkaBroker, PostgresServer, RedisServer, unique_topic

HEALTHY = EnumHealthStatusValue.HEALTHY
UNHEALTHY = EnumHealthStatusValue.UNHEALTHY
DEGRADED = EnumHealthStatusValue.DEGRADED


def _package(tmp_path: Path, **spec: Any) -> Iterator[ModuleType]:
    fields = {"input_fields": [{"name": "item_id", "type": "str"}], "output_fields": [{"name": "item_id", "type": "str"}]}
    package = generate(NodeSpec.model_validate({"node_type": "effect", "description": "Live test node.", **fields, **spec}))
    with imported(package.write(tmp_path)) as module:
        yield module


@pytest.fixture
def postgres_node(tmp_path: Path) -> Iterator[ModuleType]:
    yield from _package(tmp_path, name="stock", dependencies=["postgres"], operations=["reserve"])


@pytest.fixture
def redis_node(tmp_path: Path) -> Iterator[ModuleType]:
    yield from _package(tmp_path, name="sessions", dependencies=["redis"], operations=["touch"])


@pytest.fixture
def consul_node(tmp_path: Path) -> Iterator[ModuleType]:
    yield from _package(tmp_path, name="catalog", features=["consul"], operations=["list_items"])


@pytest.fixture
async def events_topic(kafka_broker: KafkaBroker, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh topic on the test broker, configured as the node's events topic."""
    topic = await kafka_broker.create_topic(unique_topic("shipments.events"))
    monkeypatch.setenv("ONEX_EVENTS_TOPIC", topic)  # read when the generated package is imported
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_broker.bootstrap_servers)
    return topic


@pytest.fixture
def kafka_node(tmp_path: Path, events_topic: str) -> Iterator[ModuleType]:
    yield from _package(tmp_path, name="shipments", dependencies=["kafka"], features=["events"], operations=["ship"])


async def _status(check: Any) -> EnumHealthStatusValue:
    result = await check()
    return result.status  # type: ignore[no-any-return]


async def _other_connections(server: PostgresServer) -> int:
    connection = await asyncpg.connect(**server.connect_kwargs())
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                server.database,
            )
        )
    finally:
        await connection.close()


async def test_postgres_health_follows_the_real_server(
    postgres_node: ModuleType, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTGRES_DSN", postgres_server.dsn)
    node = postgres_node.NodeStockEffect(ModelONEXContainer())
    assert await _status(node._check_postgres_health) == DEGRADED  # not started yet

    await node.initialize()
    await node.initialize()  # safe to call twice
    assert await _status(node._check_postgres_health) == HEALTHY
    hostile = "O'Brien'; DROP TABLE x; --"
    rows = await node.postgres_fetch("SELECT $1::text AS value", hostile)
    assert rows[0]["value"] == hostile
    assert node.get_operation_metrics()["queries"] == 1

    with postgres_server.stopped():
        assert await _status(node._check_postgres_health) == UNHEALTHY
    assert await _status(node._check_postgres_health) == HEALTHY

    await node.cleanup()
    await node.cleanup()  # safe to call twice
    assert await _other_connections(postgres_server) == 0
    assert await _status(node._check_postgres_health) == DEGRADED


async def test_initialize_fails_cleanly_when_postgres_is_unreachable(
    postgres_node: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTGRES_DSN", "postgresql://nobody@127.0.0.1:9/none")
    node = postgres_node.NodeStockEffect(ModelONEXContainer())
    with pytest.raises(ModelOnexError) as caught:
        await node.initialize()
    assert caught.value.error_code == EnumCoreErrorCode.DATABASE_CONNECTION_ERROR
    assert node._postgres is None


async def test_health_check_mode_skips_integrations(
    postgres_node: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTGRES_DSN", "postgresql://nobody@127.0.0.1:9/none")
    monkeypatch.setenv("ONEX_HEALTH_CHECK_MODE", "1")
    node = postgres_node.NodeStockEffect(ModelONEXContainer())
    await node.initialize()  # does not try to connect
    assert [check.__name__ for check in node.get_health_checks()] == ["_check_self_health"]
    container = ModelONEXContainer()
    container.config.from_dict({"health_check_mode": False})  # the node's config wins
    assert len(postgres_node.NodeStockEffect(container).get_health_checks()) == 2


async def test_redis_health_follows_the_real_server(
    redis_node: ModuleType, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    node = redis_node.NodeSessionsEffect(ModelONEXContainer())
    await node.initialize()
    assert await _status(node._check_redis_health) == HEALTHY
    await node.cache_set("k", "v'; FLUSHALL", ttl_s=30)
    assert await node.cache_get("k") == "v'; FLUSHALL"
    assert node.get_operation_metrics()["cache_commands"] == 2

    with redis_server.stopped():
        assert await _status(node._check_redis_health) == UNHEALTHY

    await node.cleanup()
    probe = redis.asyncio.Redis.from_url(redis_server.url)
    try:
        clients = await probe.client_list()
    finally:
        await probe.aclose()
    assert len(clients) == 1  # only the probe itself


async def test_consul_registration_and_deregistration(
    consul_node: ModuleType, consul_agent: ConsulAgentStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONSUL_HOST", consul_agent.host)
    monkeypatch.setenv("CONSUL_PORT", str(consul_agent.port))
    monkeypatch.setenv("SERVICE_PORT", "8123")
    node = consul_node.NodeCatalogEffect(ModelONEXContainer())
    assert consul_agent.registrations == []  # the constructor does no network I/O

    await node.initialize()
    service_id = f"onex-catalog-{node.node_id}"
    [registration] = consul_agent.registrations
    assert registration["name"] == "onex-catalog"
    assert registration["id"] == service_id
    assert {"onex", "effect", "version:1.0.0", "catalog"} <= set(registration["tags"])
    assert consul_agent.checks_for(service_id)[0]["HTTP"] == "http://127.0.0.1:8123/health"
    assert await _status(node._check_consul_health) == HEALTHY

    await node.cleanup()
    assert consul_agent.deregistrations == [service_id]


async def test_unreachable_consul_never_stops_the_node(
    consul_node: ModuleType, consul_agent: ConsulAgentStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONSUL_HOST", consul_agent.host)
    monkeypatch.setenv("CONSUL_PORT", str(consul_agent.port))
    node = consul_node.NodeCatalogEffect(ModelONEXContainer())
    with consul_agent.stopped():
        await node.initialize()
    assert await _status(node._check_consul_health) == DEGRADED
    await node.cleanup()
    assert consul_agent.deregistrations == []


def _envelopes(records: list[Any]) -> list[dict[str, Any]]:
    return [json.loads(record.value) for record in records]


async def test_kafka_events_reach_the_broker_in_an_envelope(
    kafka_node: ModuleType, kafka_broker: KafkaBroker, events_topic: str
) -> None:
    node = kafka_node.NodeShipmentsEffect(ModelONEXContainer())
    await node.initialize()  # the producer is made from KAFKA_BOOTSTRAP_SERVERS and started
    try:
        assert await _status(node._check_kafka_health) == HEALTHY
        request = kafka_node.ModelShipmentsInput(operation="ship", item_id="A-1")
        await node.process(request)
        [envelope] = _envelopes(await kafka_broker.records(events_topic))
        assert envelope["correlation_id"] == str(request.correlation_id)
        assert (envelope["event_type"], envelope["source_tool"]) == ("shipments.ship.completed", "shipments")
        assert envelope["payload"] == {"operation": "ship", "result": {"item_id": "A-1"}}
        metrics = node.get_operation_metrics()
        assert (metrics["kafka_sends"], metrics["events_published"], metrics["events_failed"]) == (1, 1, 0)
    finally:
        await node.cleanup()
    assert node._kafka is None
    assert await _status(node._check_kafka_health) == DEGRADED


async def test_a_failed_publish_is_counted_and_never_fails_the_operation(
    kafka_node: ModuleType, kafka_broker: KafkaBroker, events_topic: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a real producer; only its delivery timeout is shortened (aiokafka waits 40 s by default)
    short_timeout = functools.partial(aiokafka.AIOKafkaProducer, request_timeout_ms=500)
    monkeypatch.setattr(kafka_node.node, "AIOKafkaProducer", short_timeout)
    node = kafka_node.NodeShipmentsEffect(ModelONEXContainer())
    await node.initialize()
    try:
        await node.process(kafka_node.ModelShipmentsInput(operation="ship", item_id="A-1"))
        with kafka_broker.stopped():
            output = await node.process(kafka_node.ModelShipmentsInput(operation="ship", item_id="A-2"))
            assert output.item_id == "A-2"  # the operation succeeded although its event was lost
            metrics = node.get_operation_metrics()
            assert (metrics["events_published"], metrics["events_failed"], metrics["successes"]) == (1, 1, 2)
            assert await _status(node._check_kafka_health) == UNHEALTHY
        await kafka_broker.create_topic(events_topic)  # the broker is back, empty (it keeps topics in memory)
        await node.process(kafka_node.ModelShipmentsInput(operation="ship", item_id="A-3"))
        assert await _status(node._check_kafka_health) == HEALTHY
        published = _envelopes(await kafka_broker.records(events_topic))
        assert [envelope["payload"]["result"]["item_id"] for envelope in published] == ["A-3"]
        assert node.get_operation_metrics()["events_published"] == 2
    finally:
        await node.cleanup()


async def test_initialize_fails_cleanly_when_kafka_is_unreachable(
    kafka_node: ModuleType, kafka_broker: KafkaBroker
) -> None:
    node = kafka_node.NodeShipmentsEffect(ModelONEXContainer())
    with kafka_broker.stopped():
        with pytest.raises(ModelOnexError) as caught:
            await node.initialize()
    assert caught.value.error_code == EnumCoreErrorCode.SERVICE_UNAVAILABLE
    assert isinstance(caught.value.__cause__, aiokafka.errors.KafkaConnectionError)
    assert node._kafka is None


class RecordingEventBus:
    """In-process stand-in for an event bus that records what it is given."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def publish_async(self, envelope: Any) -> None:
        self.envelopes.append(envelope)


async def test_domain_events_reach_the_bound_event_bus(kafka_node: ModuleType) -> None:
    node = kafka_node.NodeShipmentsEffect(ModelONEXContainer())
    bus = RecordingEventBus()
    node.bind_event_bus(bus)
    request = kafka_node.ModelShipmentsInput(operation="ship", item_id="B-1")
    await node.process(request)
    [envelope] = bus.envelopes
    assert envelope.correlation_id == request.correlation_id
    assert envelope.payload == {"operation": "ship", "result": {"item_id": "B-1"}}
    await node.publish_event("shipments.custom", correlation_id=request.correlation_id)  # framework path, no raise
    assert len(bus.envelopes) == 2


@pytest.fixture
def store_node(tmp_path: Path) -> Iterator[ModuleType]:
    yield from _package(tmp_path, name="store", dependencies=["postgres", "redis"], operations=["save"])


async def test_cleanup_releases_everything_even_when_one_step_fails(
    store_node: ModuleType,
    postgres_server: PostgresServer,
    redis_server: RedisServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POSTGRES_DSN", postgres_server.dsn)
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    node = store_node.NodeStoreEffect(ModelONEXContainer())
    await node.initialize()
    redis_client = node._redis

    async def broken_stop() -> None:
        raise RuntimeError("redis refused to close")

    monkeypatch.setattr(node, "_stop_redis", broken_stop)
    await node.cleanup()  # logs the redis failure, still closes postgres
    assert node._postgres is None
    assert await _other_connections(postgres_server) == 0
    await redis_client.aclose()


async def test_database_errors_map_to_specific_codes_with_cause_and_correlation(
    postgres_node: ModuleType, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTGRES_DSN", postgres_server.dsn)
    node = postgres_node.NodeStockEffect(ModelONEXContainer())
    await node.initialize()

    async def bad_query(request: Any) -> Any:
        await node.postgres_fetch("SELECT * FROM no_such_table WHERE id = $1", request.item_id)

    node._handlers["reserve"] = bad_query
    request = postgres_node.ModelStockInput(operation="reserve", item_id="A-1")
    with pytest.raises(ModelOnexError) as caught:
        await node.process(request)
    assert caught.value.error_code == EnumCoreErrorCode.DATABASE_QUERY_ERROR
    assert caught.value.correlation_id == request.correlation_id
    assert isinstance(caught.value.__cause__, asyncpg.UndefinedTableError)
    assert node.get_operation_metrics()["failures"] == 1
    await node.cleanup()

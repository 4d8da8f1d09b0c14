"""Consul registration against the agent stand-in (no Consul can be installed
here: tests/services.py's ConsulAgentStandIn speaks the agent API py-consul uses):
registered in the background on start, deregistered on stop, retried, never
blocking or failing the node."""

from __future__ import annotations

import socket
import time

import pytest

from onex_support.consul_registration import ConsulRegistration
from onex_support.resources import NodeResources
from tests.services import ConsulAgentStandIn, free_port
from tests.support.helpers import onex_lines


@pytest.fixture
def consul_env(consul_agent: ConsulAgentStandIn, monkeypatch: pytest.MonkeyPatch) -> ConsulAgentStandIn:
    monkeypatch.setenv("CONSUL_HOST", consul_agent.host)
    monkeypatch.setenv("CONSUL_PORT", str(consul_agent.port))
    monkeypatch.setenv("SERVICE_PORT", "8123")
    monkeypatch.setenv("CONSUL_BACKOFF_BASE_S", "0.01")
    monkeypatch.setenv("HEALTH_CHECK_TIMEOUT_S", "2")
    return consul_agent


async def test_start_registers_and_stop_deregisters(consul_env: ConsulAgentStandIn) -> None:
    consul = ConsulRegistration("orders", node_type="effect", version="1.2.0")
    resources = NodeResources("orders", consul)
    await resources.acquire()
    assert await consul.wait_settled()
    service = consul_env.service("onex-orders-127.0.0.1-8123")
    assert service is not None and service["Service"] == "onex-orders" and service["Port"] == 8123
    assert service["Tags"] == ["onex", "effect", "version:1.2.0"]
    [check] = consul_env.checks_for("onex-orders-127.0.0.1-8123")
    assert check["HTTP"] == "http://127.0.0.1:8123/health" and check["Interval"] == "30s"
    assert (await resources.health_check_async()).status == "healthy"
    await resources.release()
    assert consul_env.deregistrations == ["onex-orders-127.0.0.1-8123"]
    assert consul_env.service("onex-orders-127.0.0.1-8123") is None


async def test_a_failing_agent_is_tried_again(consul_env: ConsulAgentStandIn) -> None:
    consul_env.fail_next(500, times=2)
    consul = ConsulRegistration("orders")
    await consul.start()
    assert await consul.wait_settled()
    assert len(consul_env.registrations) == 1  # the third try
    await consul.stop()


async def test_an_unreachable_agent_never_blocks_nor_fails_the_node(
    monkeypatch: pytest.MonkeyPatch, logs: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("CONSUL_PORT", str(free_port()))
    monkeypatch.setenv("CONSUL_REGISTER_ATTEMPTS", "2")
    monkeypatch.setenv("CONSUL_BACKOFF_BASE_S", "0.01")
    consul = ConsulRegistration("orders")
    resources = NodeResources("orders", consul)
    started = time.monotonic()
    await resources.acquire()
    assert time.monotonic() - started < 0.5  # registration runs in the background
    assert not await consul.wait_settled()
    status = await resources.health_check_async()
    assert status.status == "degraded"  # not unhealthy: the node works without consul
    levels = [line["level"] for line in onex_lines(logs) if "consul registration failed" in line["message"]]
    assert levels == ["warning", "error"]
    await resources.release()  # nothing registered: nothing to deregister, no error


async def test_a_hung_agent_costs_a_bounded_time(consul_env: ConsulAgentStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSUL_TIMEOUT_S", "0.3")
    consul = ConsulRegistration("orders")
    await consul.start()
    assert await consul.wait_settled()
    with socket.socket() as silent:  # an agent that accepts connections and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        consul.consul_port = silent.getsockname()[1]
        started = time.monotonic()
        await consul.stop()  # the deregistration times out, is logged, and returns
        assert time.monotonic() - started < 1.0
    assert consul_env.deregistrations == []


async def test_registration_can_be_switched_off(consul_env: ConsulAgentStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSUL_ENABLE_REGISTRATION", "false")
    consul = ConsulRegistration("orders")
    resources = NodeResources("orders", consul)
    await resources.acquire()
    assert (await resources.health_check_async()).status == "healthy"
    await resources.release()
    assert consul_env.requests == []

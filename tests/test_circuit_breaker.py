"""The circuit_breaker feature: the inventory API node (examples/inventory_api_effect.yaml
with features: [circuit_breaker]) against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.enums.enum_health_status import EnumHealthStatus
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.container.model_onex_container import ModelONEXContainer

from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
from codegen_ast.selection import select
from tests.imports import imported
from tests.test_http_endpoints import EXAMPLE, Answer, InventoryApi

FAILURES = 3


@pytest.fixture(scope="module")
def api_server() -> Iterator[InventoryApi]:
    with InventoryApi() as server:
        yield server


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = read_node_spec(EXAMPLE).model_copy(update={"features": ["circuit_breaker"]})
    return generate(spec).write(tmp_path_factory.mktemp("circuit"))


@pytest.fixture
async def node(package_dir: Path, api_server: InventoryApi, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    api_server.reset()
    monkeypatch.setenv("HTTP_BASE_URL", api_server.url)
    monkeypatch.setenv("HTTP_BACKOFF_BASE_S", "0.01")
    monkeypatch.setenv("HTTP_CIRCUIT_FAILURES", str(FAILURES))
    with imported(package_dir) as module:
        started = module.NodeInventoryApiEffect(ModelONEXContainer())
        await started.initialize()
        try:
            yield started, module
        finally:
            await started.cleanup()


async def _fails(node: Any, module: ModuleType, operation: str = "reserve_item") -> ModelOnexError:
    with pytest.raises(ModelOnexError) as caught:
        await node.process(module.ModelInventoryApiInput(operation=operation, sku="W-1"))
    return caught.value


async def _health(node: Any) -> EnumHealthStatus:
    status = node._check_http_circuit_health()
    return status.status


async def test_repeated_failures_open_the_circuit_and_calls_then_fail_fast(
    node: tuple[Any, ModuleType], api_server: InventoryApi
) -> None:
    started, module = node
    api_server.script(*[Answer(status=503)] * FAILURES)
    for _ in range(FAILURES):  # POST: one send each, 503 -> SERVICE_UNAVAILABLE, counted against the circuit
        assert (await _fails(started, module)).error_code == EnumCoreErrorCode.SERVICE_UNAVAILABLE
    assert len(api_server.received) == FAILURES
    assert await _health(started) == EnumHealthStatus.DEGRADED

    refused = await _fails(started, module)
    assert refused.error_code == EnumCoreErrorCode.SERVICE_UNAVAILABLE
    assert "circuit is open" in refused.message
    assert len(api_server.received) == FAILURES  # refused without reaching the service
    assert started.get_operation_metrics()["circuit_rejections"] == 1

    # after the reset time one trial call goes through; its success closes the circuit
    started._http_circuit.last_state_change = datetime.now(UTC) - timedelta(seconds=31)
    answer = await started.process(module.ModelInventoryApiInput(operation="get_item", sku="W-1"))
    assert answer.name == "Widget"
    assert await _health(started) == EnumHealthStatus.HEALTHY
    assert len(api_server.received) == FAILURES + 1


async def test_client_errors_show_the_service_is_up_and_never_open_the_circuit(
    node: tuple[Any, ModuleType], api_server: InventoryApi
) -> None:
    started, module = node
    api_server.script(*[Answer(status=404)] * (FAILURES + 2))
    for _ in range(FAILURES + 2):
        assert (await _fails(started, module, "get_item")).error_code == EnumCoreErrorCode.NOT_FOUND
    assert not started._http_circuit.is_open
    assert await _health(started) == EnumHealthStatus.HEALTHY


def test_the_feature_needs_an_http_service_and_says_so() -> None:
    spec = read_node_spec(EXAMPLE).model_copy(update={"features": ["circuit_breaker"]})
    assert "circuit_breaker" in select(spec).patterns
    plain = spec.model_copy(update={"operations": [], "dependencies": [], "domain": "general"})
    decisions = select(plain).log
    assert any(d.choice == "circuit_breaker" and d.reason.startswith("skipped: the circuit breaker guards HTTP") for d in decisions)

"""Discovery: a node with capabilities (in its contract) or the discovery feature answers
the framework's discovery requests through MixinDiscoveryResponder, tested on the
framework's own bus (EventBusInmemory)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest
from omnibase_core.event_bus.event_bus_inmemory import EventBusInmemory
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.protocols.event_bus import ProtocolEventBus

from codegen_ast.generate import generate
from codegen_ast.readers import read_spec
from codegen_ast.selection import select
from codegen_ast.spec import NodeSpec
from codegen_ast.support.discovery import ask_discovery
from tests.imports import imported

CONTRACT = """\
name: ledger
contract_version: {major: 1, minor: 0, patch: 0}
node_version: {major: 2, minor: 3, patch: 1}
node_type: COMPUTE_GENERIC
description: Balances of the ledger.
io_operations:
  - name: balance_of
    input_fields: {account: str}
    output_fields: {account: str}
capabilities: [ledger.read, caching]
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("discovery")
    contract = folder / "contract.yaml"
    contract.write_text(CONTRACT)
    generate(read_spec(contract).spec).write(folder / "out")
    return folder / "out" / "node_ledger_compute"


async def _started(package: Path, bus: ProtocolEventBus) -> Any:
    with imported(package) as module:  # initialize() finds contract.yaml beside the imported module
        node = module.NodeLedgerCompute(ModelONEXContainer())
        node.bind_event_bus(bus)
        await node.initialize()
    return node


async def test_the_node_answers_requests_for_its_capabilities(package: Path) -> None:
    memory = EventBusInmemory()
    await memory.start()
    bus = cast(ProtocolEventBus, memory)
    node = await _started(package, bus)
    try:
        # filtered requests first: an answer holds the next ones back for a second (the mixin's throttle)
        assert await ask_discovery(bus, ["ledger.write"]) == []  # a capability it lacks
        assert await ask_discovery(bus, [], node_types=["effect"]) == []  # another node type
        [answer] = await ask_discovery(bus, ["ledger.read"])
        assert answer["node_id"] == str(node.node_id)
        assert answer["capabilities"] == ["ledger.read", "caching"]
        assert answer["node_type"] == "compute" and answer["health_status"] == "healthy"
        assert answer["version"]["major"] == 2 and answer["version"]["patch"] == 1
        introspection = answer["introspection"]
        assert (introspection["node_name"], introspection["description"]) == ("ledger", "Balances of the ledger.")
        assert introspection["supported_operations"] == ["balance_of"]
        assert answer["event_channels"] == ["onex.discovery.commands", "onex.discovery.events"]
        stats = node._discovery.get_discovery_stats()
        assert (stats["requests_received"], stats["responses_sent"], stats["filtered_requests"]) == (3, 1, 2)
    finally:
        await node.cleanup()
    assert await ask_discovery(bus, ["ledger.read"]) == []  # stopped with the node:
    assert node._discovery.get_discovery_stats()["requests_received"] == 3  # the request never reached it


async def test_without_a_bus_that_subscribes_the_node_starts_and_says_so(
    package: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with imported(package) as module:
        node = module.NodeLedgerCompute(ModelONEXContainer())
        await node.initialize()
    await node.cleanup()
    assert node._discovery.get_discovery_stats()["active"] is False
    assert "no bound event bus subscribes and publishes: discovery requests will not be answered" in caplog.text


def test_discovery_is_selected_from_capabilities_the_feature_or_the_mixin() -> None:
    base = {"name": "orders", "node_type": "reducer", "description": "Orders."}
    for extra, why in (
        ({"capabilities": ["orders.read"]}, "capabilities are declared (orders.read)"),
        ({"features": ["discovery"]}, "discovery feature"),
        ({"mixins": ["MixinDiscoveryResponder"]}, "MixinDiscoveryResponder is requested in mixins"),
    ):
        selection = select(NodeSpec.model_validate(base | extra))
        assert "discovery" in selection.patterns
        assert "MixinDiscoveryResponder" not in selection.bases  # held by the node, not inherited
        assert "MixinEventBus" in selection.bases  # a reducer's wrapper has no event bus: composed
        reasons = {d.choice: d.reason for d in selection.log}
        assert reasons["discovery"].startswith(why)
    assert "discovery" not in select(NodeSpec.model_validate(base)).patterns


def test_with_consumed_events_the_package_and_its_own_tests_pass(tmp_path: Path) -> None:
    spec = NodeSpec.model_validate(
        {
            "name": "payments", "node_type": "effect", "description": "Payments.", "features": ["discovery"],
            "operations": ["settle"],
            "events": {"subscribes": [{"event_type": "order.placed", "operation": "settle"}]},
            "input_fields": [{"name": "order_id", "type": "str"}],
        }
    )
    package = generate(spec, check_stable=True)
    assert package.files["node.py"].count("def node_identity(") == 1  # shared with the consumed events
    package.write(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function",
         "--rootdir", str(tmp_path), str(tmp_path / package.name)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "test_discovery_requests_are_answered_on_the_event_bus" in (tmp_path / package.name / "tests" / "test_node.py").read_text()
    assert json.loads(package.files["codegen-manifest.json"])["spec"]["features"] == ["discovery"]


def test_the_declarative_shape_routes_a_contracts_capabilities_to_its_discovery_handler(tmp_path: Path) -> None:
    """(It answers on RuntimeLocal: tests/declarative/test_declarative_discovery.py.)"""
    from click.testing import CliRunner

    from codegen_ast.cli import main

    contract = tmp_path / "contract.yaml"
    contract.write_text(CONTRACT)
    result = CliRunner().invoke(main, ["new", str(contract), "-o", str(tmp_path / "out"), "--shape", "declarative",
                                       "--no-validate"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    [package] = [p for p in (tmp_path / "out").iterdir() if p.name.startswith("node_")]
    handler = (package / "handlers" / "handler_node_discovery.py").read_text()
    assert 'capabilities = ("ledger.read", "caching")' in handler
    plain = CliRunner().invoke(main, ["new", "--name", "plain", "--type", "compute", "-o", str(tmp_path / "out"),
                                      "--shape", "declarative", "--no-validate"])
    assert plain.exit_code == 0 and "discovery" not in plain.output
    assert not (tmp_path / "out" / "node_plain_compute" / "handlers" / "handler_node_discovery.py").exists()

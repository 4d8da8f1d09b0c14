"""Discovery in the declarative shape: a node with capabilities answers the framework's
discovery requests on RuntimeLocal's own bus. The contract routes the discovery command
topic to the node's discovery handler, which answers through the framework's responder
(MixinDiscoveryResponder: its filters and rate limit) on the discovery event topic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from codegen_ast.cli import main
from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.declarative.support_folder import write_support
from codegen_ast.readers import read_spec
from codegen_ast.support.discovery import ask_discovery
from tests.checkers import run_on_runtime
from tests.declarative.conftest import EXAMPLES

CAPABILITIES = ["pricing.quote", "pricing.discount"]
REQUEST = {"operation": "quote_price", "sku": "A-1", "unit_price": 10.0, "quantity": 3, "discount_pct": 10}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = read_spec(EXAMPLES / "price_quote_compute.yaml").spec.model_copy(update={"capabilities": CAPABILITIES})
    folder = tmp_path_factory.mktemp("discovery") / "out"
    folder.mkdir()
    generate_declarative(spec).write(folder)
    write_support(folder)
    return folder


def test_the_framework_topics_are_the_ones_the_contract_routes() -> None:
    from omnibase_core.constants.constants_topic_taxonomy import TOPIC_DISCOVERY_COMMANDS, TOPIC_DISCOVERY_EVENTS

    from codegen_ast.target import DISCOVERY_COMMANDS_TOPIC, DISCOVERY_EVENTS_TOPIC

    assert (DISCOVERY_COMMANDS_TOPIC, DISCOVERY_EVENTS_TOPIC) == (TOPIC_DISCOVERY_COMMANDS, TOPIC_DISCOVERY_EVENTS)


def test_the_contract_routes_discovery_requests_to_the_nodes_discovery_handler(out: Path) -> None:
    package = out / "node_price_quote_compute"
    contract = yaml.safe_load((package / "contract.yaml").read_text())
    entry = next(e for e in contract["handler_routing"]["handlers"] if e["subscribe_topic"] == "onex.discovery.commands")
    assert entry["handler"] == {"name": "HandlerNodeDiscovery",
                                "module": "node_price_quote_compute.handlers.handler_node_discovery"}
    assert entry["event_model"] == {"name": "ModelDiscoveryCommand", "module": "onex_support.discovery"}
    assert entry["event_type"] == "NODE_DISCOVERY_REQUEST"
    assert "onex.discovery.commands" in contract["event_bus"]["subscribe_topics"]
    assert "onex.discovery.events" in contract["event_bus"]["publish_topics"]
    assert (package / "node.py").read_text().count("def ") == 1  # still a shell: the handler answers


def test_a_declarative_node_answers_discovery_requests_on_runtime_locals_bus(out: Path, tmp_path: Path) -> None:
    asked: dict[str, list[dict[str, Any]]] = {}

    async def ask(bus: Any) -> None:
        # filtered first (the responder answers once a second at most), then answered
        asked["lacking"] = await ask_discovery(bus, ["no.such.capability"])
        asked["other type"] = await ask_discovery(bus, CAPABILITIES, ["reducer"])
        asked["matching"] = await ask_discovery(bus, CAPABILITIES[:1], ["compute"])

    run = run_on_runtime(out, "node_price_quote_compute", REQUEST, tmp_path, before_command=ask)
    assert run.outcome == "completed", run.last_error  # the node's own work is untouched
    assert (run.result["handler_result"]["total"], run.result["handler_result"]["saving"]) == (27.0, 3.0)
    assert asked["lacking"] == [] and asked["other type"] == []
    [answer] = asked["matching"]
    assert answer["capabilities"] == CAPABILITIES
    assert answer["node_type"] == "compute"
    assert answer["health_status"] == "healthy"
    assert [answer["version"][part] for part in ("major", "minor", "patch")] == [1, 0, 0]
    introspection = answer["introspection"]
    assert introspection["node_name"] == "price_quote"
    assert introspection["supported_operations"] == ["quote_price"]
    assert introspection["description"].startswith("Prices a basket line")
    assert answer["event_channels"] == ["onex.discovery.commands", "onex.discovery.events"]
    # the response went to the discovery event topic, not to the run's terminal topic
    assert len(run.on("onex.discovery.events")) == 1
    assert len(run.on("onex.evt.pricing.price-quote-completed.v1")) == 1


def test_new_generates_it_without_a_warning_and_it_passes_strict_validation(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text((EXAMPLES / "price_quote_compute.yaml").read_text() + "capabilities: [pricing.quote]\n")
    result = CliRunner().invoke(main, ["new", str(spec), "-o", str(tmp_path / "out"), "--shape", "declarative",
                                       "--level", "strict"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output and "discovery" not in result.output.lower().replace(
        "handler_node_discovery", "")
    assert (tmp_path / "out" / "node_price_quote_compute" / "handlers" / "handler_node_discovery.py").is_file()

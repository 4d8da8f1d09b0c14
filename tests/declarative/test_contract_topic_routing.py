"""handler_routing ``routing_strategy: topic_pattern`` (issue 13, points 1 and 3): written as
the contract writes it, each entry keeping its topic glob (``event_type``) as written
beside the operation the framework's runtime requires of every strategy but
payload_type_match, and routed as the framework routes it. Oracles: the framework's
routing model and MixinHandlerRouting (a topic to its handler, first match wins), its
runtime's routing check (RuntimeLocal) and ``onex compliance check``; the generated
package's own tests run end to end, including the generated topic-routing test, which
fails when a pattern routes to another handler."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from omnibase_core.mixins.mixin_handler_routing import MixinHandlerRouting
from omnibase_core.models.contracts.subcontracts.model_handler_routing_subcontract import (
    ModelHandlerRoutingSubcontract,
)
from omnibase_core.runtime.runtime_local import RuntimeLocal

from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.declarative.support_folder import write_support
from codegen_ast.generate import generate
from codegen_ast.readers import read_spec
from tests.checkers import compliance_check
from tests.conftest import ROOT

CONTRACT = ROOT / "tests" / "contracts" / "node_index_update_effect.yaml"
PATTERNS = {"onex.evt.search.upsert-doc.*": "HandlerUpsertDoc", "onex.evt.search.delete-doc.*": "HandlerDeleteDoc"}


def _route(routing: dict[str, object], topic: str) -> list[str]:
    router = MixinHandlerRouting()
    router._init_handler_routing(ModelHandlerRoutingSubcontract.model_validate(routing), router)  # type: ignore[arg-type]
    return router._get_handler_keys_for_routing_key(topic)


@pytest.mark.parametrize("shape", ["declarative", "imperative"])
def test_topic_pattern_is_written_and_routed_as_the_framework_defines_it(shape: str) -> None:
    spec = read_spec(CONTRACT).spec
    # each pattern serves the io operation its last named part names: no operation of its own
    assert [op.name for op in spec.operations] == ["upsert_doc", "delete_doc"]
    package = generate_declarative(spec) if shape == "declarative" else generate(spec)
    contract = yaml.safe_load(package.files["contract.yaml"])
    routing = contract["handler_routing"]
    assert routing["routing_strategy"] == "topic_pattern"
    assert [(entry.get("event_type"), entry["handler"]["name"]) for entry in routing["handlers"]] == list(PATTERNS.items())
    assert [entry["operation"] for entry in routing["handlers"]] == ["upsert_doc", "delete_doc"]
    assert ModelHandlerRoutingSubcontract.model_validate(routing).build_routing_table() == {
        pattern: [handler] for pattern, handler in PATTERNS.items()
    }
    assert _route(routing, "onex.evt.search.upsert-doc.v1") == ["HandlerUpsertDoc"]
    assert _route(routing, "onex.evt.search.delete-doc.v2") == ["HandlerDeleteDoc"]
    bus = contract.get("event_bus") or {}
    assert RuntimeLocal._validate_routing(routing, bus.get("subscribe_topics", []), bus.get("publish_topics", [])) == []


def test_the_generated_package_passes_the_framework_check_and_its_own_tests(tmp_path: Path) -> None:
    package = generate_declarative(read_spec(CONTRACT).spec)
    package.write(tmp_path)
    write_support(tmp_path)
    tests = package.files["tests/test_index_update.py"] if "tests/test_index_update.py" in package.files else next(
        text for name, text in package.files.items() if name.startswith("tests/test_") and name.endswith(".py"))
    assert "def test_the_framework_routes_each_topic_pattern_to_its_handler" in tests
    report = tmp_path / "reports"
    report.mkdir()
    compliance = compliance_check(tmp_path, report)
    assert compliance.ok and list(compliance.nodes) == [package.name], compliance.output[-3000:]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function",
         package.name], cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    # a pattern that routes to the other handler: the generated test fails
    contract = tmp_path / package.name / "contract.yaml"
    data = yaml.safe_load(contract.read_text(encoding="utf-8"))
    entries = data["handler_routing"]["handlers"]
    entries[0]["event_type"], entries[1]["event_type"] = entries[1]["event_type"], entries[0]["event_type"]
    contract.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    broken = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function",
         package.name, "-k", "topic_pattern"], cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert broken.returncode == 1 and "1 failed" in broken.stdout, broken.stdout[-3000:]


@pytest.mark.parametrize("name", ["node_build_status_reducer", "node_data_ingest_orchestrator", "node_geo_fence_compute"])
def test_every_topic_pattern_contract_keeps_its_strategy_and_passes_the_runtime_check(name: str) -> None:
    """Beside a state machine, an orchestrator's steps, or a route the generator adds (the
    discovery handler of a compute node), the strategy stays topic_pattern and every
    entry has the operation RuntimeLocal requires."""
    source = yaml.safe_load((ROOT / "tests" / "contracts" / f"{name}.yaml").read_text(encoding="utf-8"))
    written = [entry["event_type"] for entry in source["handler_routing"]["handlers"]]
    contract = yaml.safe_load(generate_declarative(read_spec(ROOT / "tests" / "contracts" / f"{name}.yaml").spec)
                              .files["contract.yaml"])
    routing = contract["handler_routing"]
    assert routing["routing_strategy"] == "topic_pattern"
    assert [entry.get("event_type") for entry in routing["handlers"]][: len(written)] == written
    bus = contract.get("event_bus") or {}
    assert RuntimeLocal._validate_routing(routing, bus.get("subscribe_topics", []), bus.get("publish_topics", [])) == []

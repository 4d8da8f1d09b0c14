"""A contract that routes by payload type (``handler_routing.routing_strategy:
payload_type_match``), generated in the declarative shape: the generated contract keeps
the strategy, each operation is routed by a payload model of its own (the contract's
``event_model`` name as written), so the framework's routing table gives one handler
per payload type; the generated tests check it and fail when it is broken."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from omnibase_core.models.contracts.subcontracts.model_handler_routing_subcontract import (
    ModelHandlerRoutingSubcontract,
)

from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.declarative.support_folder import write_support
from codegen_ast.readers import read_spec
from tests.checkers import importable, pytest_in
from tests.conftest import ROOT

CONTRACT = ROOT / "tests" / "contracts" / "node_scope_check_orchestrator.yaml"
NODE = "node_scope_check_orchestrator"
MODELS = {"ModelScopeCheckCommand": "HandlerScopeCheck", "ModelFileReadCommand": "HandlerFileRead",
          "ModelScopeExtractedCommand": "HandlerScopeExtracted"}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("payload")
    generate_declarative(read_spec(CONTRACT).spec).write(folder)
    write_support(folder)
    return folder


def test_the_strategy_is_kept_and_each_payload_type_has_its_own_model_and_handler(out: Path) -> None:
    contract = yaml.safe_load((out / NODE / "contract.yaml").read_text(encoding="utf-8"))
    routing = contract["handler_routing"]
    assert routing["routing_strategy"] == "payload_type_match"
    source = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))["handler_routing"]["handlers"]
    for entry, written in zip(routing["handlers"], source, strict=True):
        assert entry["event_model"]["name"] == written["event_model"]["name"]  # the name as written
        assert (entry["event_type"], entry["message_category"]) == (written["event_type"], written["message_category"])
        assert "operation" not in entry  # the contract routes these by payload, not by an operation
    table = ModelHandlerRoutingSubcontract.model_validate(routing).build_routing_table()
    assert table == {model: [handler] for model, handler in MODELS.items()}  # one handler per payload type
    with importable(out):
        models = __import__(f"{NODE}.models", fromlist=list(MODELS))
        base = models.ModelScopeCheckInput
        operations = set()
        for name in MODELS:
            model = getattr(models, name)
            assert issubclass(model, base)  # a request of the node: its handler takes it
            operations.add(model.model_fields["operation"].default)
            others = [getattr(models, other) for other in MODELS if other != name]
            for other in others:  # a payload of another type does not validate into it
                with pytest.raises(ValueError):
                    model.model_validate({"operation": other.model_fields["operation"].default})
        assert len(operations) == len(MODELS)


def test_the_generated_tests_check_the_routing_and_fail_when_it_is_broken(out: Path, tmp_path: Path) -> None:
    tests = (out / NODE / "tests" / "test_scope_check.py").read_text(encoding="utf-8")
    assert "def test_the_framework_routes_each_payload_type_to_its_handler(" in tests
    passed = pytest_in(out, NODE)
    assert passed.returncode == 0, passed.stdout[-4000:] + passed.stderr[-2000:]
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    path = broken / NODE / "contract.yaml"
    text = path.read_text(encoding="utf-8")
    # the second route names the first one's payload model: two handlers for one type, none for another
    contract = yaml.safe_load(text)
    contract["handler_routing"]["handlers"][1]["event_model"] = contract["handler_routing"]["handlers"][0]["event_model"]
    path.write_text(yaml.safe_dump(contract), encoding="utf-8")
    failed = pytest_in(broken, NODE, "-k", "payload_type")
    assert failed.returncode == 1 and "1 failed" in failed.stdout, failed.stdout[-3000:]


def test_an_operation_routed_contract_keeps_operation_match(tmp_path: Path) -> None:
    path = ROOT / "tests" / "contracts" / "node_card_charge_effect.yaml"
    contract = yaml.safe_load(generate_declarative(read_spec(path).spec).files["contract.yaml"])
    assert contract["handler_routing"]["routing_strategy"] == "operation_match"
    assert all("operation" in entry for entry in contract["handler_routing"]["handlers"])


OWN_SPEC = """\
name: alerts
node_type: effect
description: Raise and clear alerts from monitoring events.
operations:
  - {name: raise_alert, description: Raise an alert.}
  - {name: clear_alert, description: Clear an alert.}
input_fields:
  - {name: alert_id, type: str, description: The alert.}
output_fields:
  - {name: alert_id, type: str}
events:
  subscribes:
    - {event_type: alert.fired, operation: raise_alert, topic: onex.evt.monitoring.alert-fired.v1, fields: [alert_id]}
    - {event_type: alert.resolved, operation: clear_alert, topic: onex.evt.monitoring.alert-resolved.v1, fields: [alert_id]}
"""


def test_a_spec_of_ours_that_consumes_events_keys_each_operation_by_a_payload_model_of_its_own(tmp_path: Path) -> None:
    """Our own dialect: consumed events make the routing payload_type_match (the framework
    keys their handlers by event model); each operation then has a payload model of its own,
    not one request model shared by every operation (which the framework would route to
    every operation's handler). The generated test checks it and fails when it is broken."""
    spec = tmp_path / "alerts.yaml"
    spec.write_text(OWN_SPEC, encoding="utf-8")
    out = tmp_path / "out"
    generate_declarative(read_spec(spec).spec).write(out)
    write_support(out)
    node = "node_alerts_effect"
    routing = yaml.safe_load((out / node / "contract.yaml").read_text(encoding="utf-8"))["handler_routing"]
    assert routing["routing_strategy"] == "payload_type_match"
    table = ModelHandlerRoutingSubcontract.model_validate(routing).build_routing_table()
    assert table == {
        "ModelRaiseAlertPayload": ["HandlerRaiseAlert"], "ModelClearAlertPayload": ["HandlerClearAlert"],
        "ModelAlertFiredEvent": ["HandlerOnAlertFired"], "ModelAlertResolvedEvent": ["HandlerOnAlertResolved"],
    }
    assert [entry["operation"] for entry in routing["handlers"][:2]] == ["raise_alert", "clear_alert"]
    tests = (out / node / "tests" / "test_alerts.py").read_text(encoding="utf-8")
    assert "def test_the_framework_routes_each_payload_type_to_its_handler(" in tests
    passed = pytest_in(out, node)
    assert passed.returncode == 0, passed.stdout[-4000:] + passed.stderr[-2000:]
    path = out / node / "contract.yaml"
    contract = yaml.safe_load(path.read_text(encoding="utf-8"))  # both operations under one model, as before
    contract["handler_routing"]["handlers"][1]["event_model"] = contract["handler_routing"]["handlers"][0]["event_model"]
    path.write_text(yaml.safe_dump(contract), encoding="utf-8")
    failed = pytest_in(out, node, "-k", "payload_type")
    assert failed.returncode == 1 and "1 failed" in failed.stdout, failed.stdout[-3000:]


NO_INPUT = """\
name: node_session_read_effect
node_type: EFFECT_GENERIC
description: Read the session index.
capabilities: [{name: session.read}]
io_operations:
  - {operation: session.index.read, output_fields: [{name: found, type: bool}]}
handler_routing:
  routing_strategy: operation_match
  handlers:
    - operation: session.index.read
      handler: {name: HandlerSessionIndexRead, module: acme.handlers.handler_session_index_read}
      input_model: {name: "None", description: No input required.}
"""


def test_a_route_whose_input_model_is_none_gets_a_derived_payload_model(tmp_path: Path) -> None:
    """``input_model: {name: "None"}`` says the operation takes no input: not a class name
    (``class None`` does not compile) when the node is keyed by payload (its discovery route)."""
    path = tmp_path / "contract.yaml"
    path.write_text(NO_INPUT, encoding="utf-8")
    package = generate_declarative(read_spec(path).spec)
    routing = yaml.safe_load(package.files["contract.yaml"])["handler_routing"]
    assert routing["routing_strategy"] == "payload_type_match"
    assert routing["handlers"][0]["event_model"]["name"] == "ModelSessionIndexReadPayload"
    assert not [name for name, text in package.files.items() if "class None" in text or name.endswith("model_none.py")]

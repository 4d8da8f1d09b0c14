"""A contract's own names in the declarative shape (issue 13, points 3-4): its input and
output models (one that exists is imported and extended, one that does not is generated
under its exact name and module file), its handler classes and modules, its dotted
operation strings and its topics, nothing invented. The framework's RuntimeLocal runs
the package by those names. A node that consumes and publishes events gets event tests
that pass on the framework's bus and fail with a broken handler."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.declarative.support_folder import write_support
from codegen_ast.readers import read_spec
from codegen_ast.validate import validate
from tests.checkers import importable, run_on_runtime
from tests.conftest import MYPY_CACHE, ROOT

NODE = "node_ledger_post_effect"
CONTRACT = f"""\
name: {NODE}
node_type: EFFECT_GENERIC
description: Post entries to a ledger.
input_model:
  name: ModelLedgerEntry
  module: acme_ledger.models.model_ledger_entry
output_model:
  name: ModelLedgerPosted
  module: acme.nodes.{NODE}.models.model_ledger_posted
io_operations:
  - operation: ledger.post
    input_fields: [{{name: amount, type: float}}]
    output_fields: [{{name: posted, type: bool}}, {{name: note}}]
handler_routing:
  routing_strategy: operation_match
  handlers:
    - operation: ledger.post
      handler:
        name: HandlerLedgerEntryPost
        module: acme.nodes.{NODE}.handlers.handler_ledger_entry_post
capabilities: [ledger.post]
event_bus:
  subscribe_topics: [onex.cmd.acme.ledger-post.v1]
  publish_topics: [onex.evt.acme.ledger-posted.v1]
terminal_event: onex.evt.acme.ledger-posted.v1
"""
EXISTING = '''\
"""A model that exists where codegen-ast runs (the contract's input model)."""

from pydantic import BaseModel


class ModelLedgerEntry(BaseModel):
    account: str = "cash"
    amount: float = 0.0
'''


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``acme_ledger.models.model_ledger_entry`` importable (the declared input model)."""
    folder = tmp_path / "lib" / "acme_ledger" / "models"
    folder.mkdir(parents=True)
    for init in (folder.parent / "__init__.py", folder / "__init__.py"):
        init.write_text("", encoding="utf-8")
    (folder / "model_ledger_entry.py").write_text(EXISTING, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    monkeypatch.setenv("MYPYPATH", str(tmp_path / "lib"))  # for mypy --strict over the package
    yield tmp_path / "lib"
    for name in [name for name in sys.modules if name.startswith("acme_ledger")]:
        del sys.modules[name]


def test_the_contracts_models_handlers_operations_and_topics_are_used_as_written(tmp_path: Path, library: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_text(CONTRACT, encoding="utf-8")
    spec = read_spec(path).spec
    package = generate_declarative(spec)
    files = package.files
    # the input model exists: imported and extended, its fields not declared again
    request = files["models/model_ledger_entry.py"]
    assert "from acme_ledger.models.model_ledger_entry import (\n    ModelLedgerEntry as DeclaredModelLedgerEntry,\n)" in request
    assert "class ModelLedgerEntry(DeclaredModelLedgerEntry):" in request and "amount:" not in request
    # the output model does not exist: generated under its exact name, in its module's file
    answer = files["models/model_ledger_posted.py"]
    assert "class ModelLedgerPosted(BaseModel):" in answer
    assert "No type declared in the contract for note" in answer
    # the handler class and module as written; routing on the operation as written
    handler = files["handlers/handler_ledger_entry_post.py"]
    assert "class HandlerLedgerEntryPost(" in handler and 'operation = "ledger.post"' in handler
    assert not [name for name in files if "handler_ledger_post.py" in name]
    contract = yaml.safe_load(files["contract.yaml"])
    assert contract["name"] == NODE
    assert contract["input_model"] == f"{NODE}.models.model_ledger_entry.ModelLedgerEntry"
    assert contract["output_model"] == f"{NODE}.models.model_ledger_posted.ModelLedgerPosted"
    [entry] = [entry for entry in contract["handler_routing"]["handlers"] if "operation" in entry]
    assert entry["operation"] == "ledger.post"
    assert entry["handler"] == {"name": "HandlerLedgerEntryPost", "module": f"{NODE}.handlers.handler_ledger_entry_post"}
    assert entry["subscribe_topic"] == "onex.cmd.acme.ledger-post.v1"
    # topics as declared, no command or completion topic of our own; the capabilities make the
    # node answer the framework's discovery requests, on the framework's discovery channels
    assert contract["event_bus"]["subscribe_topics"] == ["onex.cmd.acme.ledger-post.v1", "onex.discovery.commands"]
    assert contract["event_bus"]["publish_topics"] == ["onex.evt.acme.ledger-posted.v1", "onex.discovery.events"]
    assert contract["terminal_event"] == "onex.evt.acme.ledger-posted.v1"

    out = tmp_path / "out"
    package.write(out)
    write_support(out)
    report = validate([out / NODE], level="strict", mypy_cache=MYPY_CACHE, display_root=out)
    assert not [f for f in report.findings if f.severity == "error"], report.findings
    # the framework's runtime: the contract's default handler routes ledger.post to the class it names
    with importable(out):
        module = importlib.import_module(entry["handler"]["module"])
        entry_module, entry_class = contract["handler_routing"]["default_handler"].split(":")
        router = getattr(importlib.import_module(entry_module), entry_class)()
        assert type(router.handlers["ledger.post"]) is getattr(module, "HandlerLedgerEntryPost")
    run = run_on_runtime(out, NODE, {"operation": "ledger.post", "amount": 2.5, "account": "bank"}, tmp_path / "state")
    assert run.outcome == "completed", run.last_error
    assert run.result["handler_result"]["operation"] == "ledger.post"
    assert [payload["operation"] for payload in run.on("onex.evt.acme.ledger-posted.v1")] == ["ledger.post"]


def _pytest(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function",
         *arguments],
        cwd=folder, capture_output=True, text=True, timeout=600,
    )


def test_a_node_that_consumes_and_publishes_passes_its_event_tests_and_they_catch_a_broken_handler(tmp_path: Path) -> None:
    package = generate_declarative(read_spec(ROOT / "tests" / "contracts" / "v2" / "node_kafka_consumer_effect.yaml").spec)
    written = package.write(tmp_path)
    write_support(tmp_path)
    tests = package.files["tests/test_kafka_consumer.py"]
    assert "test_a_workflow_started_event_runs_consume_event" in tests and "bus: Bus" in tests
    passed = _pytest(tmp_path, package.name)
    assert passed.returncode == 0, passed.stdout[-4000:] + passed.stderr[-2000:]
    assert "skipped" not in passed.stdout and " passed" in passed.stdout, passed.stdout[-2000:]
    handler = written / "handlers" / "handler_consume_event.py"
    text = handler.read_text(encoding="utf-8")
    broken = text.replace("correlation_id=request.correlation_id", "correlation_id=uuid4()")
    assert broken != text
    handler.write_text("from uuid import uuid4\n" + broken, encoding="utf-8")
    failed = _pytest(tmp_path, package.name, "-k", "event_runs")
    assert failed.returncode == 1 and "1 failed" in failed.stdout, failed.stdout[-3000:]


FSM = """\
name: node_parcel_track_reducer
node_type: REDUCER_GENERIC
description: Track a parcel.
state_machine:
  state_machine_name: parcel_fsm
  initial_state: waiting
  states:
    - {state_name: waiting, description: Not picked up yet}
    - {state_name: moving, description: On its way, required_data: [parcel_id]}
    - {state_name: delivered, description: At the door, is_terminal: true}
    - {state_name: lost, description: Gone}
  transitions:
    - {from_state: waiting, to_state: moving, trigger: pick_up, description: The courier took it}
    - {from_state: moving, to_state: delivered, trigger: deliver, description: Handed over}
    - {from_state: moving, to_state: lost, trigger: lose, description: Never seen again}
  terminal_states: [delivered, lost]
io_operations:
  - operation: pick_up
    input_fields: [{name: parcel_id, type: str}]
"""


def test_a_contracts_state_machine_keeps_its_name_states_terminals_and_transitions(tmp_path: Path) -> None:
    from omnibase_core.models.contracts.subcontracts.model_fsm_subcontract import ModelFSMSubcontract

    path = tmp_path / "contract.yaml"
    path.write_text(FSM, encoding="utf-8")
    contract = yaml.safe_load(generate_declarative(read_spec(path).spec).files["contract.yaml"])
    machine = ModelFSMSubcontract.model_validate(contract["state_machine"])  # the framework reads it
    assert machine.state_machine_name == "parcel_fsm"
    assert machine.terminal_states == ["delivered", "lost"]
    states = {state.state_name: state for state in machine.states}
    assert [states[name].description for name in ("waiting", "moving", "delivered", "lost")] == [
        "Not picked up yet", "On its way", "At the door", "Gone"]
    assert states["moving"].required_data == ["parcel_id"]
    assert [name for name, state in states.items() if state.is_terminal] == ["delivered", "lost"]
    assert [(t.from_state, t.to_state, t.trigger) for t in machine.transitions] == [
        ("waiting", "moving", "pick_up"), ("moving", "delivered", "deliver"), ("moving", "lost", "lose")]
    written = contract["state_machine"]["transitions"]
    assert [t["description"] for t in written] == ["The courier took it", "Handed over", "Never seen again"]

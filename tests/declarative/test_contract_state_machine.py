"""A contract's state machine, generated in the declarative shape: one typed
TransitionHandler per operation that fires a trigger (a dotted operation fires the
trigger its last part names), the transition conditions evaluated as the framework's
condition model documents them, terminal states left by no trigger, no transition
event the contract does not declare; and generated tests that fail when a
transition, a condition or a trigger is broken."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.declarative.support_folder import write_support
from codegen_ast.errors import SpecError
from codegen_ast.generate import GeneratedPackage
from codegen_ast.readers import read_spec
from codegen_ast.validate import validate
from tests.checkers import pytest_in
from tests.conftest import MYPY_CACHE

CONTRACT = """\
name: node_claim_review_reducer
node_type: REDUCER_GENERIC
description: Review an insurance claim.
io_operations:
  - operation: claims.open
    input_fields: [{name: claim_id, type: str}, {name: amount, type: float}, {name: tier, type: str}]
handler_routing:
  routing_strategy: operation_match
  handlers:
    - operation: claims.open
      handler: {name: HandlerOpen, module: acme.claims.handlers.handler_open}
event_bus:
  subscribe_topics: [onex.cmd.claims.claim-filed.v1]
  publish_topics: [onex.evt.claims.claim-reviewed.v1]
state_machine:
  state_machine_name: claim_fsm
  initial_state: filed
  states: [filed, opened, approved, rejected]
  transitions:
    - from_state: filed
      to_state: opened
      trigger: open
      conditions: [{expression: amount greater_than 10, required: true}]
    - from_state: opened
      to_state: approved
      trigger: approve
      conditions: [{expression: "tier in gold,silver"}, {expression: reviewer is_present}]
      actions: [{action_name: notify_claimant, action_type: intent_emission}]
    - {from_state: opened, to_state: rejected, trigger: reject}
  terminal_states: [approved, rejected]
"""


def _generated(folder: Path, text: str) -> tuple[Path, GeneratedPackage]:
    """The contract ``text`` generated (declarative) into ``folder/out``, with onex_support."""
    path = folder / "contract.yaml"
    path.write_text(text, encoding="utf-8")
    out = folder / "out"
    package = generate_declarative(read_spec(path).spec)
    package.write(out)
    write_support(out)
    return out, package


@pytest.fixture(scope="module")
def claims(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generated(tmp_path_factory.mktemp("claims"), CONTRACT)[0]


def test_each_trigger_is_a_typed_transition_handler_and_nothing_is_invented(claims: Path) -> None:
    package = claims / "node_claim_review_reducer"
    opened = (package / "handlers" / "handler_open.py").read_text(encoding="utf-8")
    assert "class HandlerOpen(" in opened and "TransitionHandler[" in opened
    assert 'operation = "claims.open"' in opened and 'trigger = "open"' in opened  # the dotted operation fires open
    assert "transition_event = None" in opened
    handlers = sorted(path.name for path in (package / "handlers").glob("handler_*.py"))
    assert handlers == ["handler_approve.py", "handler_open.py", "handler_reject.py"]
    contract = yaml.safe_load((package / "contract.yaml").read_text(encoding="utf-8"))
    assert contract["event_bus"]["publish_topics"] == ["onex.evt.claims.claim-reviewed.v1"]  # no transition topic
    conditions = [t.get("conditions") for t in contract["state_machine"]["transitions"]]
    assert conditions == [
        [{"expression": "amount greater_than 10", "required": True, "condition_name": "amount_greater_than_10",
          "condition_type": "expression"}],
        [{"expression": "tier in gold,silver", "condition_name": "tier_in_gold_silver", "condition_type": "expression"},
         {"expression": "reviewer exists true", "condition_name": "reviewer_is_present", "condition_type": "expression"}],
        None,
    ]
    assert contract["state_machine"]["transitions"][1]["actions"] == [
        {"action_name": "notify_claimant", "action_type": "intent_emission"}]
    # the field a condition reads is a request field, optional and untyped
    request = (package / "models" / "model_claim_review_input.py").read_text(encoding="utf-8")
    assert "reviewer: Maybe[Any] = Field(" in request


def test_the_generated_tests_pass_and_cover_every_transition_condition_and_terminal_state(claims: Path) -> None:
    tests = (claims / "node_claim_review_reducer" / "tests" / "test_claim_review.py").read_text(encoding="utf-8")
    for name in ("test_open_moves_filed_to_opened", "test_approve_moves_opened_to_approved",
                 "test_reject_moves_opened_to_rejected", "test_open_from_filed_needs_amount_greater_than_10",
                 "test_approve_from_opened_needs_tier_in_gold_silver", "test_approve_is_refused_in_the_initial_state",
                 "test_no_trigger_leaves_the_terminal_state_approved", "test_each_entity_has_a_state_of_its_own"):
        assert f"def {name}(" in tests, name
    passed = pytest_in(claims, "node_claim_review_reducer")
    assert passed.returncode == 0, passed.stdout[-4000:] + passed.stderr[-2000:]
    assert "skipped" not in passed.stdout and "10 passed" in passed.stdout, passed.stdout[-2000:]


@pytest.mark.parametrize(
    ("file", "before", "after", "failing"),
    [
        ("contract.yaml", "to_state: approved", "to_state: rejected", "approve_moves"),  # a transition's target
        ("contract.yaml", "amount greater_than 10", "amount greater_than 100", "open_moves"),  # a condition
        ("contract.yaml", "tier in gold,silver", "tier in gold,silver,not-gold", "needs_tier"),  # a guard that lets through
        ("handlers/handler_reject.py", 'operation = "reject"', 'operation = "reject"\n    trigger = "approve"',
         "reject_moves"),  # the trigger it fires
        ("contract.yaml", "terminal_states", "terminal_states", "terminal_state_approved"),  # a terminal state left
    ],
)
def test_a_broken_transition_fails_the_generated_tests(
    claims: Path, tmp_path: Path, file: str, before: str, after: str, failing: str
) -> None:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(claims, out)
    path = out / "node_claim_review_reducer" / file
    text = path.read_text(encoding="utf-8")
    assert before in text, text
    broken = text.replace(before, after)
    if failing == "terminal_state_approved":  # approved no longer terminal, and a transition leaves it
        contract = yaml.safe_load(text)
        machine = contract["state_machine"]
        machine["terminal_states"] = ["rejected"]
        for state in machine["states"]:
            if state["state_name"] == "approved":
                del state["is_terminal"], state["is_recoverable"]
        machine["transitions"].append({**machine["transitions"][2], "transition_name": "reject_from_approved",
                                       "from_state": "approved"})
        broken = yaml.safe_dump(contract)
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    failed = pytest_in(out, "node_claim_review_reducer", "-k", failing)
    assert failed.returncode == 1 and "failed" in failed.stdout, failed.stdout[-3000:]


def test_the_package_passes_validate_strict(claims: Path) -> None:
    report = validate([claims], level="strict", mypy_cache=MYPY_CACHE, display_root=claims)
    assert "types" in report.stages
    assert [f"{f.file}:{f.line}: {f.rule} {f.message}" for f in report.findings] == []


def test_a_condition_the_framework_cannot_evaluate_is_refused_with_its_line_and_the_override(tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_text(CONTRACT.replace("amount greater_than 10", "amount is more than ten"), encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        read_spec(path)
    [problem] = raised.value.problems
    assert (problem.line, problem.field) == (23, "state_machine.transitions.0.conditions.0")
    assert "'field operator value'" in problem.message
    assert "--set state_machine.transitions.0.conditions.0=null" in str(raised.value)
    result = read_spec(path, overrides=("state_machine.transitions.0.conditions.0=null",))
    assert result.spec.state_machine is not None and result.spec.state_machine.transitions[0].conditions == []


def test_a_presence_test_is_read_as_the_frameworks_exists_and_said(tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_text(CONTRACT, encoding="utf-8")
    warnings = [str(warning) for warning in read_spec(path).warnings]
    assert any("condition 'reviewer is_present' read as the framework's 'reviewer exists true'" in w for w in warnings)
    assert any("field 'reviewer', which the condition 'reviewer exists true' reads" in w for w in warnings)


FRAMEWORK_MODELS = CONTRACT.replace("description: Review an insurance claim.\n", """\
description: Review an insurance claim.
input_model: {name: ModelReducerInput, module: omnibase_core.models.reducer.model_reducer_input}
output_model: {name: ModelReducerOutput, module: omnibase_core.models.reducer.model_reducer_output}
""")


def test_the_frameworks_reducer_models_declared_by_the_contract_are_extended_and_carry_the_actions(
    tmp_path: Path,
) -> None:
    from omnibase_core.models.reducer.model_reducer_input import ModelReducerInput
    from omnibase_core.models.reducer.model_reducer_output import ModelReducerOutput

    from tests.checkers import importable

    out, package = _generated(tmp_path, FRAMEWORK_MODELS)
    with importable(out):
        models = __import__("node_claim_review_reducer.models", fromlist=["ModelClaimReviewInput"])
        request, answer = models.ModelClaimReviewInput, models.ModelClaimReviewOutput
        assert issubclass(request, ModelReducerInput) and issubclass(answer, ModelReducerOutput)
        # a typed request needs only its operation and the node's fields: the framework's are defaulted
        assert request(operation="claims.open", claim_id="c-1", amount=12.5, tier="gold").data == []
    handler = package.files["handlers/handler_approve.py"]
    assert "intents=transition.intents" in handler  # the declared actions, as the framework's intents
    tests = package.files["tests/test_claim_review.py"]
    assert '== ["notify_claimant"]' in tests and "set(ModelReducerOutput.model_fields)" in tests
    passed = pytest_in(out, "node_claim_review_reducer")
    assert passed.returncode == 0, passed.stdout[-4000:] + passed.stderr[-2000:]
    report = validate([out], level="strict", mypy_cache=MYPY_CACHE, display_root=out)
    assert [f"{f.file}:{f.line}: {f.rule} {f.message}" for f in report.findings] == []
    # a transition whose actions are lost fails the generated tests
    contract = out / "node_claim_review_reducer" / "contract.yaml"
    contract.write_text(contract.read_text(encoding="utf-8").replace("action_name: notify_claimant", "action_name: x"),
                        encoding="utf-8")
    failed = pytest_in(out, "node_claim_review_reducer", "-k", "approve_moves")
    assert failed.returncode == 1 and "1 failed" in failed.stdout, failed.stdout[-3000:]


def test_the_imperative_shape_fires_each_trigger_as_an_operation_of_its_own(tmp_path: Path) -> None:
    """The imperative node fires an operation's own name as the trigger: a trigger a dotted
    operation fires in the declarative shape is an operation of its own there, and its
    package passes its own tests (which send no condition's field: a machine without them)."""
    from codegen_ast.generate import generate

    path = tmp_path / "contract.yaml"
    # no condition (its tests send no condition's field) and no event_bus (its contract test loads it with
    # the strict model, which wants a version there)
    unconditional = "\n".join(line for line in CONTRACT.splitlines()
                              if "conditions:" not in line and "event_bus" not in line and "_topics:" not in line)
    path.write_text(unconditional + "\n", encoding="utf-8")
    package = generate(read_spec(path).spec)
    assert [op.routed for op in package.spec.operations] == ["claims.open", "approve", "reject", "open"]
    package.write(tmp_path / "out")
    passed = pytest_in(tmp_path / "out", "node_claim_review_reducer")
    assert passed.returncode == 0, passed.stdout[-4000:] + passed.stderr[-2000:]

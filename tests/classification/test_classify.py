"""Node-type inference on a labelled set of specs and contracts that give no node
type (one folder per label; ``ambiguous`` holds the ones a person could not tell
either). The accuracy and every miss are in docs/classification.md; this test keeps
them true."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from codegen_ast.classify import CONTRACT_KEYS, AmbiguousNodeType, classify, settle_node_type
from codegen_ast.cli import main
from codegen_ast.commands import new as new_command
from codegen_ast.errors import SpecError
from codegen_ast.readers import read_spec

HERE = Path(__file__).resolve().parent
CASES = sorted(HERE.glob("*/*.yaml"))
LABELS = ("effect", "compute", "reducer", "orchestrator", "ambiguous")
# measured: 44 of 50 (88%); every miss, as docs/classification.md lists them
MISSES = {
    "ambiguous/nightly_sync.yaml": "effect",
    "compute/discount_rules.yaml": "ambiguous",
    "compute/route_planner.yaml": "effect",
    "orchestrator/trip_booking.yaml": "effect",
    "reducer/leaderboard.yaml": "ambiguous",
    "reducer/stock_levels.yaml": "ambiguous",
}
ACCURACY_FLOOR = 0.88


def outcome(path: Path) -> str:
    try:
        read = read_spec(path)
    except AmbiguousNodeType:
        return "ambiguous"
    assert read.classification is not None and read.classification.source == "inferred"
    return read.spec.node_type


@pytest.fixture(scope="module")
def outcomes() -> dict[str, str]:
    return {path.relative_to(HERE).as_posix(): outcome(path) for path in CASES}


def test_the_labelled_set_is_large_varied_and_gives_no_node_type() -> None:
    assert len(CASES) >= 40
    assert {path.parent.name for path in CASES} == set(LABELS)
    texts = [path.read_text() for path in CASES]
    assert not [p for p, t in zip(CASES, texts, strict=True) if "node_type" in t]
    assert sum("contract_version" in t for t in texts) >= 5 and sum("node_id" in t for t in texts) >= 4


def test_accuracy_and_every_miss(outcomes: dict[str, str]) -> None:
    misses = {case: got for case, got in outcomes.items() if got != case.split("/")[0]}
    assert misses == MISSES
    accuracy = 1 - len(misses) / len(outcomes)
    assert accuracy >= ACCURACY_FLOOR
    docs = (HERE.parent.parent / "docs" / "classification.md").read_text()
    assert f"{len(outcomes) - len(misses)} of {len(outcomes)}" in docs
    for case, got in MISSES.items():
        assert f"`{case}` | {case.split('/')[0]} | {got}" in docs


def test_contract_keys_are_those_only_one_framework_contract_model_has() -> None:
    from omnibase_core.models.contracts import (
        ModelContractCompute,
        ModelContractEffect,
        ModelContractOrchestrator,
        ModelContractReducer,
    )

    models = {"effect": ModelContractEffect, "compute": ModelContractCompute,
              "reducer": ModelContractReducer, "orchestrator": ModelContractOrchestrator}
    fields = {kind: set(model.model_fields) for kind, model in models.items()}
    for kind, keys in CONTRACT_KEYS.items():
        others = set().union(*(f for k, f in fields.items() if k != kind))
        unique = fields[kind] - others
        assert keys <= unique, f"{kind}: {sorted(keys - unique)} are not only in its model"
        # what is left out is bookkeeping every model of that kind shares (node_name, correlation_id...)
        assert unique - keys <= {"node_name", "correlation_id", "execution_id", "event_type", "input_state",
                                 "output_state", "tool_specification", "service_configuration", "infrastructure",
                                 "infrastructure_services", "actions", "caching"}


def test_declarations_decide_and_their_conflicts_are_errors() -> None:
    assert classify({"name": "x", "description": "Handles things.", "state_machine": {"initial_state": "a"}}).node_type == "reducer"
    with pytest.raises(SpecError, match="declarations exclude each other: .*database.*; but operation 'run' declares workflow steps"):
        classify({"name": "x", "description": "x", "database": {"table": "t", "key": "k"},
                  "operations": [{"name": "run", "steps": [{"name": "a", "publish": "a.b"}]}]})


def test_the_ambiguity_names_candidates_points_and_the_flag() -> None:
    with pytest.raises(AmbiguousNodeType) as caught:
        read_spec(HERE / "compute" / "discount_rules.yaml")
    assert caught.value.candidates == ["compute", "reducer"]
    message = str(caught.value)
    assert "set node_type in the file or pass --type compute|reducer" in message
    assert "compute (0 points): a cache is declared" in message


def test_a_stated_type_wins_and_a_conflicting_flag_is_an_error() -> None:
    data = {"name": "x", "node_type": "reducer", "description": "Sends mail."}
    assert settle_node_type(data)[1].source == "declared"
    assert settle_node_type({**data, "node_type": None} | {}, "compute")[1].describe() == "compute (given by --type)"
    with pytest.raises(SpecError, match="the file says 'reducer' and --type says 'effect'"):
        settle_node_type(data, "effect")


def test_new_asks_only_when_nobody_can_answer_and_explain_shows_the_reasons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = HERE / "ambiguous" / "widget.yaml"
    runner = CliRunner()
    refused = runner.invoke(main, ["new", str(spec), "-o", str(tmp_path), "--no-validate"])
    assert refused.exit_code == 2
    assert "cannot tell the node type: effect or compute or reducer or orchestrator" in refused.output
    assert not (tmp_path / "node_widget_compute").exists()
    flagged = runner.invoke(main, ["new", str(spec), "-o", str(tmp_path), "--no-validate", "--type", "compute"])
    assert flagged.exit_code == 0 and (tmp_path / "node_widget_compute" / "node.py").is_file()
    monkeypatch.setattr(new_command, "interactive", lambda: True)
    asked = runner.invoke(main, ["new", str(spec), "-o", str(tmp_path), "--no-validate"], input="reducer\n")
    assert asked.exit_code == 0, asked.output
    assert "node type (effect, compute, reducer, orchestrator):" in asked.output
    assert (tmp_path / "node_widget_reducer" / "node.py").is_file()
    explained = runner.invoke(main, ["explain", str(HERE / "reducer" / "sales_totals.yaml")])
    assert explained.exit_code == 0
    assert explained.output.splitlines()[0] == (
        "node type:    reducer (inferred: formula of 'total' reads the output 'total' so far: a running value is "
        "reduced; the description's first word says 'totals'; name says 'totals')"
    )
    inferred = runner.invoke(main, ["new", str(HERE / "effect" / "email_sender.yaml"), "-o", str(tmp_path), "--no-validate"])
    assert "node type: effect (inferred: operation 'send_email' says 'send'" in inferred.output

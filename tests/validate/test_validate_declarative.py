"""Declarative nodes (a shell class, behaviour in the contract and the handlers) are
judged as such: beyond the corpus cases, what the issue asks of the validator."""

from __future__ import annotations

from pathlib import Path

from codegen_ast.validate import Report, validate
from tests.validate.conftest import CORPUS, StrictRun

SAGA_HANDLER = '''\
"""Handler of the place_order operation: a declared saga."""

from .saga import SagaHandler, SagaStep


class HandlerPlaceOrder(SagaHandler):
    """Reserve, then charge."""

    operation = "place_order"
    stages = (
        (SagaStep("reserve", "POST", "/reservations"),),
        # the charge waits for the reservation
        (SagaStep("charge", "POST", "/payments"),),
    )
'''


def test_a_production_dialect_package_has_warnings_only(standard_report: Report) -> None:
    """String versions, {name, module} references under the project's installed name, a
    reducer shell run by its state machine: nothing that is an error, at standard."""
    prefix = "standard/production_dialect/"
    found = [finding for finding in standard_report.findings if finding.file.startswith(prefix)]
    assert found and all(finding.severity == "warning" for finding in found)
    assert {finding.rule for finding in found} == {"IMP004", "STR009", "STR011", "PAT001", "PAT002", "PAT003"}


def test_operation_handlers_of_the_declarative_shape_are_counted_by_their_run(strict_run: StrictRun) -> None:
    figure = strict_run.report.manual_completion
    assert figure is not None
    declarative = sorted(handler.name for handler in figure.handlers if "good_declarative" in handler.file)
    # the abstract run() of the support package's base class is not an operation
    assert declarative == ["CounterOperations.run", "HandlerCountLetters.run", "HandlerCountWords.run",
                           "TallyOperations.run"]
    assert all(not handler.to_write for handler in figure.handlers if "good_declarative" in handler.file)


def test_declared_saga_stages_count_as_declared_lines(tmp_path: Path) -> None:
    package = tmp_path / "node_shop_orchestrator"
    (package / "handlers").mkdir(parents=True)
    (package / "handlers" / "handler_place_order.py").write_text(SAGA_HANDLER, encoding="utf-8")
    report = validate([package], level="standard", display_root=tmp_path)
    figure = report.manual_completion
    assert figure is not None
    [handler] = figure.handlers
    assert (handler.name, handler.line, handler.lines) == ("HandlerPlaceOrder.stages", 10, 4)  # comment not counted
    assert (handler.to_write, handler.reason) == (False, "declared")
    assert figure.share == 0


def test_the_strict_corpus_holds_a_declarative_and_a_service_shell(strict_run: StrictRun) -> None:
    good = CORPUS / "strict" / "good_declarative"
    assert "class NodeCounterEffect(ModelServiceEffect):" in (good / "node_counter_effect" / "node.py").read_text()
    shown = {path for path in strict_run.report.files if path.startswith("strict/good_declarative/")}
    assert "strict/good_declarative/tally_support/handlers/counting.py" in shown
    assert not [finding for finding in strict_run.report.findings if finding.file in shown]


def test_production_dialect_nodes_at_strict_have_no_error_but_the_real_type_error(strict_run: StrictRun) -> None:
    """Nodes written as a production repository writes them (an event-driven orchestrator
    importing itself and its sibling nodes under the project's installed name, a reducer
    shell run by its state machine), validated where that project is not installed: the
    missing project is one warning per import (IMP004), not a second error from mypy;
    the one error left is really there (a generic base without its type arguments)."""
    prefix = "strict/production_dialect/"
    found = [finding for finding in strict_run.report.findings if finding.file.startswith(prefix)]
    errors = [(finding.file, finding.rule, finding.message) for finding in found if finding.severity == "error"]
    assert errors == [(prefix + "node_survey_reducer/node.py", "TYP001",
                       'Missing type arguments for generic type "NodeReducer"  [type-arg]')]
    assert sum(finding.rule == "IMP004" for finding in found) == 8
    assert not any("import-not-found" in finding.message for finding in found)

"""Reducers and orchestrators in the declarative shape, end to end on the framework's
RuntimeLocal: the FSM reducer's TransitionHandlers (the contract's state machine, one
state per entity, the transition event), the saga orchestrator's SagaHandlers (the
declared stages against a real HTTP server, compensation newest first), and every
checker over both packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checkers import run_on_runtime
from tests.declarative.conftest import assert_every_checker_passes, output_folder
from tests.support.helpers import Answer, HttpStandIn

KINDS = ("basket_fsm_reducer", "checkout_workflow_orchestrator")
BASKET = "node_basket_reducer"
SAGA = "node_checkout_saga_orchestrator"


@pytest.fixture(scope="module")
def kinds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return output_folder(tmp_path_factory, "kinds", *KINDS)


def test_an_fsm_reducer_is_one_transition_handler_per_trigger_on_a_shell(kinds: Path) -> None:
    package = kinds / BASKET
    handlers = sorted(path.name for path in (package / "handlers").glob("handler_*.py"))
    assert handlers == ["handler_add_item.py", "handler_checkout.py", "handler_clear.py"]
    checkout = (package / "handlers" / "handler_checkout.py").read_text(encoding="utf-8")
    assert "class HandlerCheckout(\n    TransitionHandler[" in checkout or "class HandlerCheckout(TransitionHandler[" in checkout
    assert "transition_event = BASKET_TRANSITION" in checkout
    assert "async def reduce(" in checkout
    node = (package / "node.py").read_text(encoding="utf-8")
    assert len(node.splitlines()) < 40 and "def " in node and node.count("def ") == 1  # __init__ only


def test_an_fsm_reducer_takes_declared_transitions_on_runtime_local(
    kinds: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    added = run_on_runtime(kinds, BASKET, {"operation": "add_item", "sku": "A-1"}, tmp_path / "add")
    assert added.outcome == "completed", added.last_error
    answer = added.result["handler_result"]
    assert (answer["state"], answer["previous_state"], answer["sku"]) == ("active", "empty", "A-1")
    [event] = added.on("onex.evt.basket.basket-transition.v1")
    assert (event["payload"]["trigger"], event["payload"]["from_state"], event["payload"]["to_state"]) == (
        "add_item", "empty", "active")
    assert [p["state"] for p in added.on("onex.evt.basket.basket-completed.v1")] == ["active"]

    # each RuntimeLocal run starts from the initial state: checkout is not declared from `empty`
    refused = run_on_runtime(kinds, BASKET, {"operation": "checkout"}, tmp_path / "checkout")
    assert refused.outcome == "failed"
    assert refused.last_error == "handler 'HandlerCheckout' failed"
    assert "INVALID_STATE] operation 'checkout' is not allowed in state 'empty'" in caplog.text
    assert refused.on("onex.evt.basket.basket-transition.v1") == []


def test_a_saga_orchestrator_runs_its_declared_stages_on_runtime_local(
    kinds: Path, tmp_path: Path, http_env: HttpStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    request = {"operation": "place_order", "order_id": "o-1", "sku": "A-1", "quantity": 2, "amount": "19.99"}
    http_env.script("POST /reservations", Answer(body={"reservation_id": "r-1"}))
    http_env.script("POST /payments", Answer(body={"payment_id": "p-1"}))
    http_env.script("POST /shipments", Answer(body={"shipment_id": "s-1"}))
    placed = run_on_runtime(kinds, SAGA, request, tmp_path / "place")
    assert placed.outcome == "completed", placed.last_error
    answer = placed.result["handler_result"]
    assert (answer["order_id"], answer["reservation_id"], answer["payment_id"], answer["shipment_id"]) == (
        "o-1", "r-1", "p-1", "s-1")
    assert [c.path for c in http_env.calls("POST ")] == ["/reservations", "/payments", "/shipments"]
    assert len(placed.on("onex.evt.commerce.order-placed.v1")) == 1

    # shipping fails: the steps done are compensated newest first, the run fails
    http_env.reset()
    http_env.script("POST /shipments", Answer(status=500))
    failed = run_on_runtime(kinds, SAGA, request, tmp_path / "fail")
    assert failed.outcome == "failed"
    assert "ORCHESTRATOR_EXEC_STEP_FAILED" in caplog.text
    undone = [f"{c.method} {c.path}" for c in http_env.calls() if c.method == "DELETE" or "refund" in c.path]
    assert undone == ["POST /payments/o-1/refund", "DELETE /reservations/o-1"]
    assert len(failed.on("onex.evt.commerce.order-withdrawn.v1")) == 1


def test_a_request_cannot_choose_the_saga_steps(kinds: Path, tmp_path: Path, http_env: HttpStandIn) -> None:
    refused = run_on_runtime(kinds, SAGA, {"operation": "place_order", "order_id": "o-2",
                                           "steps": [{"name": "drop_tables"}]}, tmp_path / "steps")
    assert refused.outcome == "failed"
    assert http_env.calls() == []


def test_reducers_and_orchestrators_pass_every_checker(kinds: Path, tmp_path: Path) -> None:
    assert_every_checker_passes(kinds, [kinds / BASKET, kinds / SAGA], tmp_path / "compliance")

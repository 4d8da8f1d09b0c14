"""Generated declarative packages run end to end on the framework's RuntimeLocal: a
command goes in as the contract's input model; the handler's typed answer comes out
as the run's result and on the terminal topic, with the declared events on theirs.
Real PostgreSQL for the database nodes, an HTTP server for the endpoint node."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.checkers import importable, run_on_runtime
from tests.declarative.conftest import migrate
from tests.support.helpers import Answer, Database, HttpStandIn

TERMINAL = "onex.evt.{service}.{node}-completed.v1"


def terminal(run_events: list[tuple[str, Any]], topic: str) -> list[Any]:
    return [payload for seen, payload in run_events if seen == topic]


def test_a_compute_package_answers_its_formulas_on_runtime_local(out: Path, tmp_path: Path) -> None:
    request = {"operation": "quote_price", "sku": "A-1", "unit_price": 10.0, "quantity": 3, "discount_pct": 10}
    run = run_on_runtime(out, "node_price_quote_compute", request, tmp_path)
    assert run.outcome == "completed", run.last_error
    answer = run.result["handler_result"]
    assert answer["operation"] == "quote_price" and answer["sku"] == "A-1"
    assert (answer["total"], answer["saving"]) == (27.0, 3.0)
    assert "correlation_id" in answer

    refused = run_on_runtime(out, "node_price_quote_compute", {**request, "quantity": "many"}, tmp_path / "bad")
    assert refused.outcome == "failed"


def test_a_crud_effect_package_runs_each_operation_on_postgres(out: Path, tmp_path: Path, postgres_env: Database) -> None:
    migrate(postgres_env, out / "node_order_book_effect")
    topic = "onex.evt.order-book.order-book-completed.v1"

    def run(name: str, **request: object) -> Any:
        return run_on_runtime(out, "node_order_book_effect", request, tmp_path / name)

    created = run("create", operation="create_order", order_id="o-1", customer="ada", amount=12.5)
    assert created.outcome == "completed", created.last_error
    assert created.result["handler_result"] | {"correlation_id": None} == {
        "operation": "create_order", "correlation_id": None, "order_id": "o-1", "customer": "ada", "amount": 12.5,
        "records": [], "next_cursor": None,
    }
    assert [p["order_id"] for p in created.on(topic)] == ["o-1"]  # the answer on the terminal topic
    assert run("create2", operation="create_order", order_id="o-2", customer="bob").outcome == "completed"

    updated = run("update", operation="update_order", order_id="o-1", amount=20.0)
    assert updated.result["handler_result"]["amount"] == 20.0
    assert updated.result["handler_result"]["customer"] == "ada"  # None keeps the stored value

    first = run("list", operation="list_orders", limit=1)
    assert first.outcome == "completed", first.last_error
    page = first.result["handler_result"]
    assert [row["order_id"] for row in page["records"]] == ["o-1"] and page["next_cursor"]
    second = run("list2", operation="list_orders", limit=1, cursor=page["next_cursor"])
    assert [row["order_id"] for row in second.result["handler_result"]["records"]] == ["o-2"]

    assert run("delete", operation="delete_order", order_id="o-1").outcome == "completed"
    gone = run("read", operation="read_order", order_id="o-1")
    assert gone.outcome == "failed" and gone.on(topic) == []
    missing_key = run("nokey", operation="read_order")
    assert missing_key.outcome == "failed"


def test_an_event_effect_package_publishes_its_declared_event_and_consumes_events(
    out: Path, tmp_path: Path, postgres_env: Database
) -> None:
    migrate(postgres_env, out / "node_payments_effect")
    opened = run_on_runtime(out, "node_payments_effect", {"operation": "open_order", "order_id": "p-1",
                                                          "amount_due": "19.99"}, tmp_path / "open")
    assert opened.outcome == "completed", opened.last_error
    assert opened.on("onex.evt.payments.order-paid.v1") == []  # declared after mark_paid only

    paid = run_on_runtime(out, "node_payments_effect", {"operation": "mark_paid", "order_id": "p-1",
                                                        "amount_paid": "19.99", "payment_id": "pay-9"}, tmp_path / "paid")
    assert paid.outcome == "completed", paid.last_error
    envelopes = paid.on("onex.evt.payments.order-paid.v1")
    assert len(envelopes) == 1 and envelopes[0]["event_type"] == "order.paid"
    assert envelopes[0]["payload"]["payment_id"] == "pay-9"
    assert Decimal(envelopes[0]["payload"]["amount_paid"]) == Decimal("19.99")
    assert envelopes[0]["correlation_id"] == paid.result["handler_result"]["correlation_id"]

    # a consumed event: its handler (one per event type) makes the operation's request
    async def consume() -> Any:
        from node_payments_effect.handlers import HandlerOnPaymentCaptured
        from node_payments_effect.models import ModelPaymentCapturedEvent

        handler = HandlerOnPaymentCaptured()
        try:
            event = ModelPaymentCapturedEvent(order_id="p-1", amount_paid=Decimal("5.00"), payment_id="pay-10")
            return await handler.handle(event)
        finally:
            await handler.shutdown()

    with importable(out):
        answer = asyncio.run(consume())
    assert (answer.operation, answer.payment_id, answer.amount_paid) == ("mark_paid", "pay-10", Decimal("5.00"))


def test_an_http_effect_package_calls_its_endpoint_and_maps_the_answer(
    out: Path, tmp_path: Path, http_env: HttpStandIn
) -> None:
    http_env.script("GET /items/A%201", Answer(body={"sku": "A 1", "quantity": 5, "unexpected": True}))
    read = run_on_runtime(out, "node_inventory_api_effect", {"operation": "get_item", "sku": "A 1",
                                                             "warehouse": "w1"}, tmp_path / "get")
    assert read.outcome == "completed", read.last_error
    assert read.result["handler_result"]["quantity"] == 5 and read.result["handler_result"]["sku"] == "A 1"
    call = http_env.calls("GET /items/")[0]
    assert call.path == "/items/A%201?warehouse=w1"

    http_env.script("GET /items/B", Answer(status=404))
    missing = run_on_runtime(out, "node_inventory_api_effect", {"operation": "get_item", "sku": "B"}, tmp_path / "404")
    assert missing.outcome == "failed"

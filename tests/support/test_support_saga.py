"""The saga runner on a real HTTP stand-in and the framework's bus: the declared
steps only, compensation newest first, retried with backoff, a failed one made
durable as a compensation_failed event, idempotency keys stable across retries,
steps without compensation declared as such."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID, uuid4

import pytest
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from pydantic import BaseModel, ConfigDict, Field

from onex_support.errors import error_context
from onex_support.events import DeclaredEvent
from onex_support.handlers import SagaHandler
from onex_support.http_api import HttpApi, idempotency_key
from onex_support.resources import Registry
from onex_support.saga import NoCompensation, SagaResources, SagaStep, StepAction
from tests.support.helpers import SECRET, Answer, HttpStandIn, assert_no_secret, published

ORDER_PLACED = DeclaredEvent("order.placed", "onex.evt.shop.order-placed.v1")
ORDER_WITHDRAWN = DeclaredEvent("order.withdrawn", "onex.evt.shop.order-withdrawn.v1")
COMPENSATION_FAILED = DeclaredEvent("checkout.compensation_failed", "onex.evt.shop.compensation-failed.v1")


class CheckoutInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    operation: Literal["place_order"] = "place_order"
    correlation_id: UUID = Field(default_factory=uuid4)
    order_id: str
    amount: Decimal
    note: str = ""


class CheckoutInputWithSteps(CheckoutInput):
    steps: list[str] = Field(default_factory=list)


class CheckoutOutput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    operation: str
    correlation_id: UUID
    order_id: str
    payment_id: str | None = None
    total: Decimal | None = None


class CheckoutResources(SagaResources):
    def __init__(self) -> None:
        super().__init__("checkout", HttpApi("checkout"))


REGISTRY: Registry[CheckoutResources] = Registry(CheckoutResources)


class HandlerPlaceOrder(SagaHandler[CheckoutInput, CheckoutOutput, CheckoutResources]):
    operation = "place_order"
    registry = REGISTRY
    answer_type = CheckoutOutput
    compensation_failed = COMPENSATION_FAILED
    stages = (
        (
            SagaStep(
                "reserve_stock",
                2.0,
                StepAction("POST", "/reservations", timeout_s=1.0),
                compensation=StepAction("DELETE", "/reservations/{order_id}", timeout_s=0.5, attempts=2),
            ),
        ),
        (
            SagaStep(
                "charge_payment",
                2.0,
                StepAction("POST", "/payments", timeout_s=1.0, attempts=3),
                compensation=StepAction("POST", "/payments/{order_id}/refund", timeout_s=0.5),
            ),
            SagaStep(
                "notify",
                1.0,
                StepAction(event=ORDER_PLACED),
                compensation=StepAction(event=ORDER_WITHDRAWN),
            ),
        ),
        (
            SagaStep(
                "ship",
                2.0,
                StepAction("POST", "/shipments", timeout_s=1.0),
                compensation=NoCompensation("the last step: nothing runs after it"),
            ),
        ),
    )


@pytest.fixture
async def saga(http_env: HttpStandIn, bus: Any, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[HandlerPlaceOrder]:
    monkeypatch.setenv("SAGA_COMPENSATION_BACKOFF_S", "0.01")
    REGISTRY.reset()
    handler = HandlerPlaceOrder(event_bus=bus)
    yield handler
    await handler.shutdown()
    REGISTRY.reset()


def order(**fields: Any) -> CheckoutInput:
    return CheckoutInput(**{"order_id": "o-1", "amount": Decimal("19.99"), **fields})


async def failed(saga: HandlerPlaceOrder, request: CheckoutInput) -> ModelOnexError:
    with pytest.raises(ModelOnexError) as raised:
        await saga.handle(request)
    return raised.value


async def test_the_declared_steps_run_and_the_answer_keeps_money_exact(
    saga: HandlerPlaceOrder, http_env: HttpStandIn, bus: Any
) -> None:
    http_env.script("POST /payments", Answer(201, b'{"payment_id": "p-7", "total": 19.99}'))
    answer = await saga.handle(order())
    assert answer is not None and answer.payment_id == "p-7" and answer.total == Decimal("19.99")
    assert [f"{c.method} {c.path}" for c in http_env.calls()] == [
        "POST /reservations",
        "POST /payments",
        "POST /shipments",
    ]
    assert json.loads(http_env.calls("POST /payments")[0].body)["amount"] == "19.99"
    [placed] = await published(bus, ORDER_PLACED.topic)
    assert placed["payload"]["order_id"] == "o-1" and placed["correlation_id"] == str(answer.correlation_id)


async def test_a_failed_step_compensates_newest_first_and_names_what_has_nothing_to_undo(
    saga: HandlerPlaceOrder, http_env: HttpStandIn, bus: Any
) -> None:
    http_env.script("POST /shipments", Answer(409))
    error = await failed(saga, order())
    assert error.error_code == EnumCoreErrorCode.ORCHESTRATOR_EXEC_STEP_FAILED
    context = error_context(error)
    assert context["step"] == "ship"
    # the two steps of stage 2 completed in either order; both are undone before stage 1
    assert context["compensated_steps"][-1] == "reserve_stock"
    assert set(context["compensated_steps"][:2]) == {"charge_payment", "notify"}
    assert [f"{c.method} {c.path}" for c in http_env.calls()][-2:] == [
        "POST /payments/o-1/refund",
        "DELETE /reservations/o-1",
    ]
    assert len(await published(bus, ORDER_WITHDRAWN.topic)) == 1


async def test_a_compensation_is_retried_then_succeeds(saga: HandlerPlaceOrder, http_env: HttpStandIn) -> None:
    http_env.script("POST /payments", Answer(402))
    http_env.script("DELETE /reservations/", Answer(503), Answer(503), Answer(503), Answer(204, b""))
    error = await failed(saga, order())
    context = error_context(error)
    assert context["compensated_steps"][-1] == "reserve_stock" and context["failed_compensations"] == []
    assert "charge_payment" not in context["compensated_steps"]  # it failed: nothing to undo
    # 2 sends per call (the action's attempts) x up to 3 compensation attempts: the 4th send passed
    assert len(http_env.calls("DELETE /reservations/o-1")) == 4


async def test_a_compensation_that_keeps_failing_is_published_durably(
    saga: HandlerPlaceOrder, http_env: HttpStandIn, bus: Any, logs: pytest.LogCaptureFixture
) -> None:
    http_env.script("POST /payments", Answer(402))
    http_env.script("DELETE /reservations/", *[Answer(500)] * 10)
    request = order(note=SECRET)
    error = await failed(saga, request)
    context = error_context(error)
    assert context["failed_compensations"] == ["reserve_stock"] and context["retryable"] is False
    assert len(http_env.calls("DELETE /reservations/o-1")) == 3  # SAGA_COMPENSATION_ATTEMPTS
    [record] = await published(bus, COMPENSATION_FAILED.topic)
    payload = record["payload"]
    assert payload["step"] == "reserve_stock" and payload["route"] == "/reservations/{order_id}"
    assert payload["method"] == "DELETE" and payload["request"]["order_id"] == "o-1"
    assert payload["error_code"] == str(EnumCoreErrorCode.DEPENDENCY_FAILED) and payload["attempts"] == 3
    assert record["correlation_id"] == str(request.correlation_id)
    assert_no_secret(logs)  # the event holds the request; no log line does


async def test_idempotency_keys_are_stable_across_retries_and_redelivery(
    saga: HandlerPlaceOrder, http_env: HttpStandIn
) -> None:
    request = order()
    http_env.script("POST /payments", Answer(503), Answer(201, {"payment_id": "p-1"}))
    await saga.handle(request)
    first = [c.headers["Idempotency-Key"] for c in http_env.calls("POST /payments")]
    assert len(first) == 2 and first[0] == first[1]
    assert first[0] == idempotency_key(request.correlation_id, "place_order/charge_payment")
    http_env.reset()
    await saga.handle(request)  # the same request delivered again
    assert http_env.calls("POST /payments")[0].headers["Idempotency-Key"] == first[0]
    reservation = http_env.calls("POST /reservations")[0].headers["Idempotency-Key"]
    assert reservation not in first  # each step has its own


async def test_a_request_cannot_choose_the_steps(saga: HandlerPlaceOrder, http_env: HttpStandIn) -> None:
    request = CheckoutInputWithSteps(order_id="o-1", amount=Decimal("1"), steps=["ship"])
    error = await failed(saga, request)  # type: ignore[arg-type]
    assert error.error_code == EnumCoreErrorCode.INVALID_INPUT
    assert http_env.calls() == []


def test_every_step_declares_its_compensation_or_why_there_is_none() -> None:
    with pytest.raises(TypeError):
        SagaStep("ship", 1.0, StepAction("POST", "/s"))  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="reason"):
        NoCompensation("  ")
    with pytest.raises(ValueError, match="either an HTTP call or an event"):
        StepAction("POST", "/s", event=ORDER_PLACED)
    with pytest.raises(ValueError, match="unique"):

        class Twice(SagaHandler[CheckoutInput, CheckoutOutput, CheckoutResources]):
            stages = ((SagaStep("a", 1.0, StepAction("GET", "/a"), NoCompensation("read")),),) * 2

    with pytest.raises(ValueError, match="compensation_failed"):

        class Unrecorded(SagaHandler[CheckoutInput, CheckoutOutput, CheckoutResources]):
            stages = ((SagaStep("a", 1.0, StepAction("GET", "/a"), NoCompensation("read")),),)

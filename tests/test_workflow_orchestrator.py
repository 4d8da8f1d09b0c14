"""The generated workflow orchestrator (examples/checkout_workflow_orchestrator.yaml)
against real HTTP services on loopback.

The services are one stdlib ``http.server`` in a thread on 127.0.0.1: it records
every request (method, path, body, X-Correlation-ID, when it arrived and when it
was answered) and can fail or delay a chosen request. Events go to an event bus
stand-in (``publish_async``, bound with ``bind_event_bus``) that records when each
envelope arrived and can refuse chosen event types.

place_order: reserve_stock (POST /reservations; undone by DELETE /reservations/{id})
             -> [charge_payment (POST /payments; undone by POST /payments/{id}/refund)
                 | notify (publishes order.placed; undone by publishing order.withdrawn)]
             -> ship (POST /shipments, 2 s)
cancel_order: stop_shipment -> [refund_payment | release_stock] -> announce_cancellation
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import uuid4, uuid5

import pytest
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.container.model_onex_container import ModelONEXContainer

from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
from tests.imports import imported

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "checkout_workflow_orchestrator.yaml"
ORDER = "A/1 ?"  # URL-quoted into the paths
FIELDS = {"order_id": ORDER, "sku": "sku-7", "quantity": 2, "amount": Decimal("19.90")}
QUOTED = "A%2F1%20%3F"
ANSWERS: dict[tuple[str, str], dict[str, object]] = {
    ("POST", "/reservations"): {"reservation_id": "res-1", "status": "held"},
    ("POST", "/payments"): {"payment_id": "pay-1"},
    ("POST", "/shipments"): {"shipment_id": "shp-1"},
}


@dataclass
class Request:
    method: str
    path: str
    body: object
    correlation_id: str | None
    arrived: float
    answered: float | None = None


@dataclass
class LoopbackServices:
    """The stock, payment and shipping services: a real HTTP server on 127.0.0.1."""

    fail: dict[tuple[str, str], int] = field(default_factory=dict)
    delay: dict[tuple[str, str], float] = field(default_factory=dict)
    delay_once: dict[tuple[str, str], float] = field(default_factory=dict)  # the first such request only
    answers: dict[tuple[str, str], dict[str, object]] = field(default_factory=lambda: dict(ANSWERS))
    requests: list[Request] = field(default_factory=list)
    url: str = ""

    def seen(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.requests]

    def find(self, method: str, path: str) -> Request:
        return next(r for r in self.requests if (r.method, r.path) == (method, path))


def _handler(services: LoopbackServices) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            key = (self.command, self.path)
            record = Request(
                self.command, self.path, json.loads(raw) if raw else None,
                self.headers.get("X-Correlation-ID"), time.monotonic(),
            )
            services.requests.append(record)
            time.sleep(services.delay.get(key, 0.0) + services.delay_once.pop(key, 0.0))
            status = services.fail.get(key, 200)
            body = json.dumps(services.answers.get(key, {}) if status == 200 else {"error": "refused"}).encode()
            # answered: just before the client can have the whole answer
            record.answered = time.monotonic()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reads the records."""

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a step that timed out) closes its socket: expected here."""


@pytest.fixture
def services() -> Iterator[LoopbackServices]:
    recorded = LoopbackServices()
    server = QuietServer(("127.0.0.1", 0), _handler(recorded))
    recorded.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield recorded
    finally:
        server.shutdown()
        server.server_close()


class EventBusStandIn:
    """Stand-in for an event bus (the interface the node uses: publish_async):
    records each envelope with the time it arrived; refuses the listed types."""

    def __init__(self, refuse: frozenset[str] = frozenset(), latency_s: float = 0.0) -> None:
        self.refuse = refuse
        self.latency_s = latency_s
        self.envelopes: list[tuple[float, Any]] = []
        self.began: dict[str, float] = {}

    async def publish_async(self, envelope: Any) -> None:
        self.began.setdefault(envelope.event_type, time.monotonic())
        await asyncio.sleep(self.latency_s)
        if envelope.event_type in self.refuse:
            raise ConnectionError(f"bus refused {envelope.event_type}")
        self.envelopes.append((time.monotonic(), envelope))

    def types(self) -> list[str]:
        return [e.event_type for _, e in self.envelopes]

    def at(self, event_type: str) -> float:
        return next(t for t, e in self.envelopes if e.event_type == event_type)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    package = generate(read_node_spec(EXAMPLE)).write(tmp_path_factory.mktemp("workflow"))
    with imported(package) as module:
        yield module


@pytest.fixture
async def node(
    checkout: ModuleType, services: LoopbackServices, monkeypatch: pytest.MonkeyPatch
) -> Any:
    monkeypatch.setenv("HTTP_BASE_URL", services.url)
    started = checkout.NodeCheckoutSagaOrchestrator(ModelONEXContainer())
    await started.initialize()
    try:
        yield started
    finally:
        await started.cleanup()


def _bus(node: Any, refuse: frozenset[str] = frozenset(), latency_s: float = 0.0) -> EventBusStandIn:
    bus = EventBusStandIn(refuse, latency_s)
    node.bind_event_bus(bus)
    return bus


def _request(checkout: ModuleType, operation: str, **changes: Any) -> Any:
    return checkout.ModelCheckoutSagaInput(operation=operation, **FIELDS, **changes)


def _context(error: ModelOnexError) -> dict[str, Any]:
    context: dict[str, Any] = error.context["additional_context"]
    return context


async def test_place_order_runs_the_stages_in_order_and_answers_from_the_steps(
    checkout: ModuleType, node: Any, services: LoopbackServices
) -> None:
    bus = _bus(node, latency_s=0.25)
    services.delay[("POST", "/payments")] = 0.4
    request = _request(checkout, "place_order")
    output = await node.process(request)

    assert services.seen() == ["POST /reservations", "POST /payments", "POST /shipments"]
    reserve, pay, ship = (services.find("POST", p) for p in ("/reservations", "/payments", "/shipments"))
    assert reserve.answered is not None and pay.answered is not None
    assert reserve.answered <= pay.arrived  # stage 2 starts after stage 1 finished
    # notify (0.25 s on the bus) ran concurrently with charge_payment (0.4 s at the service)
    assert bus.began["order.placed"] < pay.answered and pay.arrived < bus.at("order.placed")
    assert bus.began["order.placed"] >= reserve.answered
    assert ship.arrived >= pay.answered  # stage 3 waits for both
    declared = {"order_id": ORDER, "sku": "sku-7", "quantity": 2, "amount": "19.90"}
    assert all(r.body == declared for r in (reserve, pay, ship))  # POST bodies: the declared fields
    assert {r.correlation_id for r in services.requests} == {str(request.correlation_id)}

    placed = next(e for _, e in bus.envelopes if e.event_type == "order.placed")
    assert placed.correlation_id == request.correlation_id
    assert placed.payload == {**declared, "operation": "place_order", "step": "notify"}

    # the framework's output fields, and the answer built from the steps' answers
    assert output.execution_status == "completed"
    names = ["reserve_stock", "notify", "charge_payment", "ship"]  # in completion order
    assert output.completed_steps == [str(uuid5(request.workflow_id, n)) for n in names]
    assert output.failed_steps == [] and output.skipped_steps == []
    assert output.execution_time_ms >= 400
    assert output.start_time <= output.end_time
    assert output.parallel_executions == 1
    assert output.metrics["completed_count"] == 4.0 and output.metrics["stages_count"] == 3.0
    assert output.step_outputs["reserve_stock"]["status"].to_value() == "held"
    assert (output.order_id, output.reservation_id, output.payment_id, output.shipment_id) == (
        ORDER, "res-1", "pay-1", "shp-1",
    )
    assert output.correlation_id == request.correlation_id
    metrics = node.get_operation_metrics()
    assert (metrics["steps_completed"], metrics["steps_failed"], metrics["steps_compensated"]) == (4, 0, 0)
    assert metrics["successes"] == 1


async def test_a_parallel_stage_runs_its_calls_at_the_same_time(
    checkout: ModuleType, node: Any, services: LoopbackServices
) -> None:
    bus = _bus(node)
    services.delay[("POST", f"/payments/{QUOTED}/refund")] = 0.4
    services.delay[("DELETE", f"/reservations/{QUOTED}")] = 0.4
    output = await node.process(_request(checkout, "cancel_order"))

    stop = services.find("DELETE", f"/shipments/{QUOTED}")
    refund = services.find("POST", f"/payments/{QUOTED}/refund")
    release = services.find("DELETE", f"/reservations/{QUOTED}")
    assert stop.answered is not None and refund.answered is not None and release.answered is not None
    assert stop.answered <= min(refund.arrived, release.arrived)
    assert max(refund.arrived, release.arrived) < min(refund.answered, release.answered)  # they overlap
    assert max(refund.answered, release.answered) - min(refund.arrived, release.arrived) < 0.8  # not 0.4 + 0.4
    assert bus.at("order.cancelled") >= max(refund.answered, release.answered)
    assert output.execution_status == "completed"


async def test_a_step_timeout_compensates_newest_first(
    checkout: ModuleType, node: Any, services: LoopbackServices
) -> None:
    bus = _bus(node)
    services.delay[("POST", "/payments")] = 0.2  # notify completes first, charge_payment after it
    services.delay[("POST", "/shipments")] = 2.0
    request = _request(checkout, "place_order")
    # the caller's plan: the handler's, with a shorter limit for ship
    plan = [
        s.model_copy(update={"timeout_ms": 300}) if s.step_name == "ship" else s
        for s in node._handlers["place_order"].plan(request)
    ]
    started = time.monotonic()
    with pytest.raises(ModelOnexError) as caught:
        await node.process(request.model_copy(update={"steps": plan}))
    assert time.monotonic() - started < 1.5  # cut short by the step's limit, not the server's 2 s

    error = caught.value
    assert error.error_code == EnumCoreErrorCode.ORCHESTRATOR_EXEC_STEP_TIMEOUT
    assert error.correlation_id == request.correlation_id
    assert "'ship' timed out" in error.message
    assert isinstance(error.__cause__, TimeoutError)
    context = _context(error)
    assert context["step"] == "ship"
    assert context["completed_steps"] == ["reserve_stock", "notify", "charge_payment"]
    assert context["compensated_steps"] == ["charge_payment", "notify", "reserve_stock"]  # newest first
    assert context["failed_compensations"] == []
    undo = services.seen()[3:]
    assert undo == [f"POST /payments/{QUOTED}/refund", f"DELETE /reservations/{QUOTED}"]
    refund = services.find("POST", f"/payments/{QUOTED}/refund")
    release = services.find("DELETE", f"/reservations/{QUOTED}")
    assert refund.answered is not None
    assert refund.answered <= bus.at("order.withdrawn") <= release.arrived  # notify undone in between
    assert {r.correlation_id for r in services.requests} == {str(request.correlation_id)}
    withdrawn = next(e for _, e in bus.envelopes if e.event_type == "order.withdrawn")
    assert withdrawn.correlation_id == request.correlation_id
    metrics = node.get_operation_metrics()
    assert (metrics["steps_failed"], metrics["steps_compensated"], metrics["failures"]) == (1, 3, 1)


async def test_a_step_cut_off_in_flight_is_compensated_too(
    checkout: ModuleType, node: Any, services: LoopbackServices
) -> None:
    _bus(node, refuse=frozenset({"order.placed"}), latency_s=0.1)  # notify fails: its event is not delivered
    services.delay[("POST", "/payments")] = 1.0
    request = _request(checkout, "place_order")
    started = time.monotonic()
    with pytest.raises(ModelOnexError) as caught:
        await node.process(request)
    assert time.monotonic() - started < 0.9  # charge_payment, still running, was cancelled

    error = caught.value
    assert error.error_code == EnumCoreErrorCode.ORCHESTRATOR_EXEC_STEP_FAILED
    assert "step 'notify' failed" in error.message
    cause = error.__cause__
    assert isinstance(cause, ModelOnexError) and cause.error_code == EnumCoreErrorCode.EVENT_BUS_ERROR
    context = _context(error)
    assert context["completed_steps"] == ["reserve_stock"]
    # charge_payment's request had reached the payment service when it was cut off: the
    # charge may well go through, so it is refunded too (newest first); ship never ran
    assert context["interrupted_steps"] == ["charge_payment"]
    assert context["compensated_steps"] == ["charge_payment", "reserve_stock"]
    assert services.seen() == [
        "POST /reservations", "POST /payments", f"POST /payments/{QUOTED}/refund", f"DELETE /reservations/{QUOTED}",
    ]


async def test_a_step_answer_the_framework_cannot_hold_does_not_fail_the_step(
    checkout: ModuleType, node: Any, services: LoopbackServices
) -> None:
    _bus(node)
    # 2**63 + 1 is no exact float, which ModelSchemaValue refuses: the charge happened all the same
    services.answers[("POST", "/payments")] = {"payment_id": "pay-1", "ledger_entry": 2**63 + 1, "fees": [1, {"big": 2**70 + 1}]}
    output = await node.process(_request(checkout, "place_order"))
    assert output.execution_status == "completed" and output.payment_id == "pay-1"
    answer = output.step_outputs["charge_payment"]
    assert answer["ledger_entry"].to_value() == "9223372036854775809"  # kept exactly, as JSON text
    assert json.loads(answer["fees"].to_value()) == [1, {"big": 2**70 + 1}]
    assert node.get_operation_metrics()["steps_compensated"] == 0


@pytest.mark.parametrize("order_id", ["", ".", ".."])
async def test_a_path_value_that_would_name_another_resource_is_refused_before_any_step(
    checkout: ModuleType, node: Any, services: LoopbackServices, order_id: str
) -> None:
    # DELETE /shipments/.. is DELETE /, and DELETE /reservations/. is DELETE /reservations
    _bus(node)
    for operation in ("cancel_order", "place_order"):  # place_order's compensations use {order_id}
        with pytest.raises(ModelOnexError) as caught:
            await node.process(checkout.ModelCheckoutSagaInput(operation=operation, **{**FIELDS, "order_id": order_id}))
        assert caught.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert "order_id" in caught.value.message
    assert services.requests == []  # nothing was sent


async def test_an_http_error_fails_its_step_with_the_mapped_cause(
    checkout: ModuleType, node: Any, services: LoopbackServices
) -> None:
    bus = _bus(node)
    services.fail[("POST", "/payments")] = 402
    services.delay[("POST", "/payments")] = 0.1
    with pytest.raises(ModelOnexError) as caught:
        await node.process(_request(checkout, "place_order"))
    error = caught.value
    assert error.error_code == EnumCoreErrorCode.ORCHESTRATOR_EXEC_STEP_FAILED
    assert _context(error)["step"] == "charge_payment"
    cause = error.__cause__
    assert isinstance(cause, ModelOnexError) and cause.error_code == EnumCoreErrorCode.INVALID_INPUT  # a 4xx
    assert _context(error)["compensated_steps"] == ["notify", "reserve_stock"]
    assert bus.types() == ["order.placed", "order.withdrawn"]
    assert "POST /shipments" not in services.seen()


async def test_a_failing_compensation_does_not_hide_the_error(
    checkout: ModuleType, node: Any, services: LoopbackServices
) -> None:
    _bus(node)
    services.fail[("POST", "/shipments")] = 500
    services.fail[("DELETE", f"/reservations/{QUOTED}")] = 500
    with pytest.raises(ModelOnexError) as caught:
        await node.process(_request(checkout, "place_order"))
    error = caught.value
    assert error.error_code == EnumCoreErrorCode.ORCHESTRATOR_EXEC_STEP_FAILED  # ship's failure, not the undo's
    assert "step 'ship' failed" in error.message
    assert "compensation failed for: reserve_stock" in error.message
    context = _context(error)
    assert context["failed_compensations"] == ["reserve_stock"]
    assert sorted(context["compensated_steps"]) == ["charge_payment", "notify"]
    assert services.seen()[-1] == f"DELETE /reservations/{QUOTED}"  # it was tried, after the others
    metrics = node.get_operation_metrics()
    assert (metrics["compensations_failed"], metrics["steps_compensated"]) == (1, 2)


async def test_a_retried_step_call_gets_its_retry_within_the_step(
    checkout: ModuleType, node: Any, services: LoopbackServices
) -> None:
    """stop_shipment (DELETE, 3 attempts, step limit 5 s) declares no request timeout:
    each send gets a third of the step, so a first send that hangs is retried in time
    (with the client's own 10 s per send the step would have run out first)."""
    _bus(node)
    shipment = ("DELETE", f"/shipments/{QUOTED}")
    services.delay_once[shipment] = 3.0
    output = await node.process(_request(checkout, "cancel_order"))
    assert output.execution_status == "completed"
    assert services.seen().count(f"DELETE /shipments/{QUOTED}") == 2
    assert node.get_operation_metrics()["api_retries"] == 1


async def test_cancelling_the_operation_compensates_what_was_done(
    checkout: ModuleType, node: Any, services: LoopbackServices
) -> None:
    bus = _bus(node)
    services.delay[("POST", "/shipments")] = 1.5
    task = asyncio.create_task(node.process(_request(checkout, "place_order")))
    while "POST /shipments" not in services.seen():
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert services.seen()[3:] == [f"POST /payments/{QUOTED}/refund", f"DELETE /reservations/{QUOTED}"]
    assert "order.withdrawn" in bus.types()


async def test_the_plan_is_the_frameworks_and_a_callers_plan_is_checked(
    checkout: ModuleType, node: Any, services: LoopbackServices
) -> None:
    _bus(node)
    request = _request(checkout, "place_order")
    plan = node._handlers["place_order"].plan(request)
    ids = {s.step_name: s.step_id for s in plan}
    assert [s.step_name for s in plan] == ["reserve_stock", "charge_payment", "notify", "ship"]
    assert ids["reserve_stock"] == uuid5(request.workflow_id, "reserve_stock")
    assert [s.order_index for s in plan] == [0, 1, 1, 2]
    assert [s.timeout_ms for s in plan] == [5000, 5000, 2000, 2000]
    assert [s.error_action for s in plan] == ["compensate", "compensate", "compensate", "stop"]
    assert plan[1].parallel_group == plan[2].parallel_group == "place_order.stage_1"
    assert plan[3].depends_on == [ids["charge_payment"], ids["notify"]]
    assert {s.correlation_id for s in plan} == {request.correlation_id}
    assert await node.validate_workflow_contract(checkout.node.DEFAULT_WORKFLOW_DEFINITION, plan) == []

    unknown = [*plan, plan[0].model_copy(update={"step_id": uuid4(), "step_name": "launch_rocket"})]
    with pytest.raises(ModelOnexError) as caught:
        await node.process(request.model_copy(update={"steps": unknown}))
    assert caught.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    # a declared step planned twice would run twice (charge the payment twice)
    twice = [*plan, plan[1].model_copy(update={"step_id": uuid4()})]
    with pytest.raises(ModelOnexError) as caught:
        await node.process(request.model_copy(update={"steps": twice}))
    assert caught.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    assert "charge_payment" in caught.value.message
    loop = [plan[0].model_copy(update={"depends_on": [ids["ship"]]}), *plan[1:]]
    with pytest.raises(ModelOnexError) as caught:
        await node.process(request.model_copy(update={"steps": loop}))
    assert caught.value.error_code == EnumCoreErrorCode.ORCHESTRATOR_SEMANTIC_INVALID_DEPENDENCY
    assert services.requests == []  # a refused plan runs nothing

    # every operation declares its steps: the framework's executor is never called, so no runner for it
    assert "_run_workflow" not in vars(checkout.NodeCheckoutSagaOrchestrator)

    skip = [s.model_copy(update={"enabled": False}) if s.step_name == "notify" else s for s in plan]
    output = await node.process(request.model_copy(update={"steps": skip}))
    assert output.skipped_steps == [str(ids["notify"])]
    assert len(output.completed_steps) == 3


def test_a_workflow_that_only_publishes_cannot_promise_an_answer() -> None:
    from codegen_ast.spec import NodeSpec

    spec = {
        "name": "announcer",
        "node_type": "orchestrator",
        "description": "Announces.",
        "operations": [{"name": "announce", "steps": [{"name": "tell", "publish": "thing.told"}]}],
        "output_fields": [{"name": "accepted", "type": "bool"}],
    }
    with pytest.raises(ValueError, match="only publish events, so nothing answers the required output field 'accepted'"):
        NodeSpec.model_validate(spec)
    spec["output_fields"] = [{"name": "accepted", "type": "bool | None"}]
    assert NodeSpec.model_validate(spec).workflow_operations[0].name == "announce"
    with pytest.raises(ValueError, match="greater than or equal to 0.1"):
        NodeSpec.model_validate({**spec, "operations": [{"name": "a", "steps": [{"name": "t", "publish": "x.y", "timeout_s": 0.01}]}]})

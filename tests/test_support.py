"""The constant code of generated packages (codegen_ast/support/), tested
directly as the real Python it is, and spliced exactly as written."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import httpx
import libcst as cst
import pytest
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.contracts.model_workflow_step import ModelWorkflowStep
from pydantic import BaseModel, ValidationError

from codegen_ast.builders import support
from codegen_ast.builders.support import SUPPORT, SupportModule
from codegen_ast.support import events, http_api, saga


def test_every_support_module_is_named_and_every_name_has_a_module() -> None:
    files = {path.stem for path in SUPPORT.glob("*.py")} - {"__init__"}
    # and the onex_support modules the imperative shape splices from too (one definition for both shapes)
    files |= {f"onex_support/{name}" for name in ("discovery", "service_mode")}
    assert files == {module.value for module in SupportModule}
    assert all((SUPPORT / f"{module.value}.py").is_file() for module in SupportModule)


def test_a_definition_is_spliced_as_written() -> None:
    spliced = support.function(SupportModule.SAGA, "_step_timed_out")
    source = (SUPPORT / "saga.py").read_text(encoding="utf-8")
    assert cst.Module(body=[spliced]).code in source
    with pytest.raises(LookupError, match="defines no missing"):
        support.function(SupportModule.SAGA, "missing")
    with pytest.raises(LookupError, match="is not a function"):
        support.function(SupportModule.SAGA, "WorkflowStepFailed")


# --- saga ----------------------------------------------------------------------------


class Declared(BaseModel):
    name: str


def _step(name: str, *after: ModelWorkflowStep, enabled: bool = True) -> ModelWorkflowStep:
    return ModelWorkflowStep(
        step_name=name, step_type="effect", depends_on=[step.step_id for step in after], enabled=enabled
    )


@pytest.fixture
def declared(monkeypatch: pytest.MonkeyPatch) -> None:
    table = {"place": [[Declared(name="reserve"), Declared(name="charge")], [Declared(name="ship")]]}
    monkeypatch.setattr(saga, "WORKFLOWS", table)


@pytest.mark.usefixtures("declared")
def test_stages_follow_the_dependencies() -> None:
    reserve = _step("reserve")
    charge = _step("charge")
    ship = _step("ship", reserve, charge)
    stages = saga._workflow_stages("place", [ship, reserve, charge], uuid4())
    assert [[step.step_name for step in stage] for stage in stages] == [["reserve", "charge"], ["ship"]]


@pytest.mark.usefixtures("declared")
def test_a_disabled_step_counts_as_run() -> None:
    reserve = _step("reserve", enabled=False)
    ship = _step("ship", reserve)
    assert [[s.step_name for s in stage] for stage in saga._workflow_stages("place", [reserve, ship], uuid4())] == [
        ["ship"]
    ]


@pytest.mark.usefixtures("declared")
@pytest.mark.parametrize(
    ("names", "code"),
    [
        (["refund"], EnumCoreErrorCode.VALIDATION_ERROR),  # not declared
        (["ship", "ship"], EnumCoreErrorCode.VALIDATION_ERROR),  # planned twice
    ],
)
def test_a_plan_the_operation_does_not_declare_is_refused(names: list[str], code: EnumCoreErrorCode) -> None:
    with pytest.raises(ModelOnexError) as caught:
        saga._workflow_stages("place", [_step(name) for name in names], uuid4())
    assert caught.value.error_code == code


@pytest.mark.usefixtures("declared")
def test_dependencies_that_can_never_be_met_are_refused() -> None:
    ghost = _step("charge")
    with pytest.raises(ModelOnexError) as caught:
        saga._workflow_stages("place", [_step("ship", ghost)], uuid4())
    assert caught.value.error_code == EnumCoreErrorCode.ORCHESTRATOR_SEMANTIC_INVALID_DEPENDENCY


def test_a_step_times_out_by_its_own_limit_or_its_requests() -> None:
    assert saga._step_timed_out(TimeoutError())
    assert saga._step_timed_out(ModelOnexError(message="late", error_code=EnumCoreErrorCode.TIMEOUT))
    assert not saga._step_timed_out(ValueError()) and not saga._step_timed_out(None)


def test_an_answer_value_the_framework_cannot_hold_is_kept_as_json() -> None:
    assert saga._step_answer_value(7).to_value() == 7
    assert saga._step_answer_value(2**53 + 1).to_value() == str(2**53 + 1)


# --- http_api ------------------------------------------------------------------------


def test_status_codes_map_to_error_codes() -> None:
    assert http_api.http_error_code(404) == EnumCoreErrorCode.NOT_FOUND
    assert http_api.http_error_code(418) == EnumCoreErrorCode.INVALID_INPUT
    assert http_api.http_error_code(599) == EnumCoreErrorCode.OPERATION_FAILED


def test_backoff_doubles_honours_retry_after_and_stays_under_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_BACKOFF_BASE_S", "0.5")
    monkeypatch.setenv("HTTP_BACKOFF_MAX_S", "3")
    assert 1.0 <= http_api.http_backoff_s(2, None) <= 1.1
    assert http_api.http_backoff_s(1, "2") == 2.0
    assert http_api.http_backoff_s(9, None) == 3.0


class Caller(http_api.HttpCaller):
    """HttpCaller with a stand-in service (an httpx.MockTransport) and recorded logs."""

    def __init__(self, answers: list[httpx.Response]) -> None:
        super().__init__()
        self.sent: list[httpx.Request] = []
        self.logged: list[str] = []

        def answer(request: httpx.Request) -> httpx.Response:
            self.sent.append(request)
            return answers.pop(0)

        self._http = httpx.AsyncClient(base_url="http://service", transport=httpx.MockTransport(answer))

    def _emit_log(self, level: Any, message: str, correlation_id: UUID | None = None, **context: object) -> None:
        self.logged.append(message)


async def test_http_call_retries_a_503_then_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_BACKOFF_BASE_S", "0")
    caller = Caller([httpx.Response(503), httpx.Response(200, json={"ok": True})])
    correlation = uuid4()
    answer = await caller.http_call("GET", "/items", timeout_s=1.0, attempts=2, correlation_id=correlation)
    assert answer.json() == {"ok": True}
    assert [request.headers["X-Correlation-ID"] for request in caller.sent] == [str(correlation)] * 2
    assert caller.logged == ["GET /items answered 503; retrying in 0.0 s"]


async def test_http_call_raises_the_status_code_of_a_final_error() -> None:
    caller = Caller([httpx.Response(404, text="no such item")])
    with pytest.raises(ModelOnexError) as caught:
        await caller.http_call("GET", "/items/1", timeout_s=1.0, attempts=1, correlation_id=None)
    assert caught.value.error_code == EnumCoreErrorCode.NOT_FOUND


async def test_an_answer_beyond_the_limit_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_MAX_RESPONSE_BYTES", "10")
    caller = Caller([httpx.Response(200, content=b"x" * 100)])
    with pytest.raises(ModelOnexError) as caught:
        await caller.http_call("GET", "/big", timeout_s=1.0, attempts=1, correlation_id=None)
    assert caught.value.error_code == EnumCoreErrorCode.CONTRACT_VIOLATION


# --- events --------------------------------------------------------------------------


class Message:
    """A delivered message that records how it was settled."""

    topic = "orders"

    def __init__(self, fail: bool = False) -> None:
        self.settled: list[str] = []
        self.fail = fail

    async def ack(self) -> None:
        if self.fail:
            raise RuntimeError("broker gone")
        self.settled.append("ack")

    async def nack(self) -> None:
        self.settled.append("nack")


class Consumer(events.EventConsumer):
    def __init__(self) -> None:
        super().__init__()
        self.logged: list[str] = []

    def _emit_log(self, level: Any, message: str, correlation_id: UUID | None = None, **context: object) -> None:
        self.logged.append(message)


async def test_a_message_is_acked_when_done_and_nacked_to_come_again() -> None:
    consumer, done, again = Consumer(), Message(), Message()
    await consumer._settle_message(done, True, None)  # type: ignore[arg-type]
    await consumer._settle_message(again, False, None)  # type: ignore[arg-type]
    assert (done.settled, again.settled) == (["ack"], ["nack"])


async def test_a_failure_to_settle_is_logged_not_raised() -> None:
    consumer = Consumer()
    await consumer._settle_message(Message(fail=True), True, None)  # type: ignore[arg-type]
    assert consumer.logged == ["settling the message failed: RuntimeError('broker gone')"]


def test_a_validation_error_is_summed_up_in_one_line() -> None:
    class Payment(BaseModel):
        amount: int

    with pytest.raises(ValidationError) as caught:
        Payment.model_validate({"amount": "many"})
    assert events._validation_summary(caught.value).startswith("amount: Input should be a valid integer")


def test_the_node_identity_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEX_ENVIRONMENT", "prod")
    identity = events.node_identity()
    assert (identity.env, identity.node_name) == ("prod", events.NODE_NAME)

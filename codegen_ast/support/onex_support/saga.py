"""The saga runner: declared steps in stages (the steps of a stage run together),
each within its time limit; when one fails or times out, the steps done (and those
cut off in flight) are compensated newest first.

The steps are the node's declaration, never the caller's. Every step declares
its compensation, or ``NoCompensation(reason)``. A compensation is tried
``SAGA_COMPENSATION_ATTEMPTS`` (3) times with backoff (``SAGA_COMPENSATION_BACKOFF_S``,
0.2, doubled per attempt); one that still fails is made durable: a
``compensation_failed`` event on the bus carries what is needed to run it again by
hand (the step, its call, the request's fields, the error code). HTTP steps send
an ``Idempotency-Key`` derived from the correlation id and the step, the same on
every retry and every redelivery of the request.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError

from onex_support.errors import is_retryable, onex_error
from onex_support.events import DeclaredEvent, EventPublisher
from onex_support.http_api import IDEMPOTENT_METHODS, HttpApi, json_answer
from onex_support.logs import EnumLogLevel, emit_log
from onex_support.resources import NodeResources, Resource
from onex_support.settings import setting_float, setting_int
from onex_support.values import Maybe

__all__ = [
    "CompensationFailure",
    "NoCompensation",
    "SagaResources",
    "SagaStep",
    "StepAction",
    "check_stages",
    "run_saga",
]

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
METHODS = BODY_METHODS | IDEMPOTENT_METHODS


@dataclass(frozen=True)
class StepAction:
    """One HTTP call (``route`` placeholders filled from the request's fields,
    URL-quoted; POST/PUT/PATCH send the fields as the JSON body), or one declared
    event when ``event`` is set."""

    method: str = ""
    route: str = ""
    timeout_s: float = 10.0
    attempts: int = 1
    event: DeclaredEvent | None = None

    def __post_init__(self) -> None:
        calls = bool(self.method or self.route)
        if calls == (self.event is not None):
            raise ValueError("a step action is either an HTTP call or an event")
        if calls and (self.method.upper() not in METHODS or not self.route):
            raise ValueError(f"unknown HTTP call {self.method} {self.route!r}")
        if self.timeout_s <= 0 or self.attempts < 1:
            raise ValueError("a step action needs timeout_s > 0 and attempts >= 1")

    def describe(self) -> str:
        if self.event is not None:
            return f"event {self.event.event_type}"
        return f"{self.method.upper()} {self.route}"


@dataclass(frozen=True)
class NoCompensation:
    """A step declared as having nothing to undo, and why."""

    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("NoCompensation needs the reason nothing is undone")


@dataclass(frozen=True)
class SagaStep:
    name: str
    timeout_s: float
    action: StepAction
    compensation: StepAction | NoCompensation


@dataclass(frozen=True)
class CompensationFailure:
    """A compensation that failed every attempt: what the durable record holds."""

    saga: str
    step: str
    action: StepAction
    error_code: str
    attempts: int

    def payload(self, fields: Mapping[str, object]) -> dict[str, object]:
        """The ``compensation_failed`` event: enough to run it again by hand."""
        return {
            "saga": self.saga,
            "step": self.step,
            "compensation": self.action.describe(),
            "method": self.action.method.upper(),
            "route": self.action.route,
            "event_type": (
                None if self.action.event is None else self.action.event.event_type
            ),
            "request": dict(fields),
            "error_code": self.error_code,
            "attempts": self.attempts,
        }


def check_stages(owner: str, stages: Sequence[Sequence[SagaStep]]) -> None:
    """Refuse, when the handler class is defined, a saga without steps or with two
    steps of one name."""
    names = [step.name for stage in stages for step in stage]
    if not names or any(not stage for stage in stages):
        raise ValueError(f"{owner}: a saga needs stages, each with at least one step")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"{owner}: step names must be unique, repeated: {repeated}")


class SagaResources(NodeResources):
    """The resources of an orchestrator running sagas: at least its HTTP API, and
    the compensation retry policy (SAGA_COMPENSATION_ATTEMPTS,
    SAGA_COMPENSATION_BACKOFF_S)."""

    def __init__(
        self,
        node: str,
        http: HttpApi,
        *resources: Resource,
        publisher: Maybe[EventPublisher] = None,
    ) -> None:
        self.http = http
        self.compensation_attempts = setting_int(
            "SAGA_COMPENSATION_ATTEMPTS", 3, minimum=1
        )
        self.compensation_backoff_s = setting_float(
            "SAGA_COMPENSATION_BACKOFF_S", 0.2, minimum=0.0
        )
        super().__init__(node, http, *resources, publisher=publisher)


Publish = Callable[[DeclaredEvent, dict[str, object]], Awaitable[bool]]


@dataclass
class SagaRun:
    operation: str
    fields: Mapping[str, object]
    resources: SagaResources
    publish: Publish
    correlation_id: UUID
    completed: list[SagaStep] = field(default_factory=list)
    interrupted: list[SagaStep] = field(default_factory=list)
    answers: dict[str, dict[str, object]] = field(default_factory=dict)


class StepFailed(Exception):
    def __init__(self, step: str, cause: BaseException) -> None:
        super().__init__(f"step {step!r} failed")
        self.step = step
        self.cause = cause


async def run_saga(
    operation: str,
    stages: Sequence[Sequence[SagaStep]],
    *,
    fields: Mapping[str, object],
    resources: SagaResources,
    publish: Publish,
    correlation_id: UUID,
    compensation_failed: DeclaredEvent,
) -> dict[str, dict[str, object]]:
    """Run the stages; return each step's JSON answer by step name. On a failure
    compensate, then raise ORCHESTRATOR_EXEC_STEP_FAILED / _STEP_TIMEOUT naming the
    step, the steps compensated, those with nothing to undo, and those whose
    compensation failed (each published as ``compensation_failed``)."""
    run = SagaRun(operation, fields, resources, publish, correlation_id)
    try:
        for stage in stages:
            await _run_stage(run, stage)
    except asyncio.CancelledError:
        await _compensate(run, compensation_failed)
        raise
    except StepFailed as error:
        compensated, nothing, failed = await _compensate(run, compensation_failed)
        timed_out = _timed_out(error.cause)
        cause = (
            error.cause.message
            if isinstance(error.cause, ModelOnexError)
            else type(error.cause).__name__
        )
        message = (
            f"operation {operation!r}: step {error.step!r} "
            f"{'timed out' if timed_out else 'failed'} ({cause}); "
            f"compensated: {', '.join(compensated) or 'none'}"
        )
        if failed:
            message += f"; compensation failed for: {', '.join(failed)}"
        raise onex_error(
            message,
            (
                EnumCoreErrorCode.ORCHESTRATOR_EXEC_STEP_TIMEOUT
                if timed_out
                else EnumCoreErrorCode.ORCHESTRATOR_EXEC_STEP_FAILED
            ),
            correlation_id,
            retryable=is_retryable(error.cause) and not failed,
            step=error.step,
            completed_steps=[step.name for step in run.completed],
            compensated_steps=compensated,
            uncompensated_steps=nothing,
            failed_compensations=failed,
        ) from None
    return run.answers


def _timed_out(error: BaseException | None) -> bool:
    return isinstance(error, TimeoutError) or (
        isinstance(error, ModelOnexError)
        and error.error_code == EnumCoreErrorCode.TIMEOUT
    )


async def _run_stage(run: SagaRun, stage: Sequence[SagaStep]) -> None:
    """The stage's steps together; the first failure cancels the others (counted
    as interrupted, like steps out of time: their calls may still take effect)."""
    tasks = [asyncio.create_task(_run_step(run, step)) for step in stage]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        run.interrupted.extend(
            step
            for step, task in zip(stage, tasks, strict=True)
            if task.cancelled() or _timed_out(task.exception())
        )
    for step, task in zip(stage, tasks, strict=True):
        error = None if task.cancelled() else task.exception()
        if error is not None:
            run.resources.count(
                "steps_failed", {"operation": run.operation, "step": step.name}
            )
            raise StepFailed(step.name, error)


async def _run_step(run: SagaRun, step: SagaStep) -> None:
    async with asyncio.timeout(step.timeout_s):
        answer = await _act(run, step.name, step.action, run.operation)
    run.completed.append(step)
    run.answers[step.name] = answer
    run.resources.count(
        "steps_completed", {"operation": run.operation, "step": step.name}
    )


async def _act(
    run: SagaRun, step: str, action: StepAction, scope: str
) -> dict[str, object]:
    """Publish the action's event (an undelivered event fails the step), or send its
    call and return the fields of a JSON object answer."""
    if action.event is not None:
        delivered = await run.publish(
            action.event, {**run.fields, "operation": run.operation, "step": step}
        )
        if not delivered:
            raise onex_error(
                f"step {step!r}: event {action.event.event_type!r} was not delivered",
                EnumCoreErrorCode.EVENT_BUS_ERROR,
                run.correlation_id,
                step=step,
            )
        return {}
    method = action.method.upper()
    response = await run.resources.http.call(
        method,
        action.route,
        path_params=run.fields,
        json=dict(run.fields) if method in BODY_METHODS else None,
        timeout_s=action.timeout_s,
        attempts=action.attempts,
        correlation_id=run.correlation_id,
        idempotency_scope=f"{scope}/{step}",
    )
    answer = json_answer(response)
    if not isinstance(answer, dict):
        return {}
    return {str(key): value for key, value in answer.items()}


async def _compensate(
    run: SagaRun, compensation_failed: DeclaredEvent
) -> tuple[list[str], list[str], list[str]]:
    """Undo the completed and interrupted steps newest first, each compensation
    tried again with backoff; one that still fails is published as
    ``compensation_failed`` and the next one still runs. Returns the steps
    compensated, those with nothing to undo, and those whose compensation failed."""
    compensated: list[str] = []
    nothing: list[str] = []
    failed: list[str] = []
    tags = {"operation": run.operation}
    for step in reversed([*run.completed, *run.interrupted]):
        compensation = step.compensation
        if isinstance(compensation, NoCompensation):
            nothing.append(step.name)
            continue
        error = await _compensate_step(run, step, compensation)
        if error is None:
            compensated.append(step.name)
            run.resources.count("steps_compensated", {**tags, "step": step.name})
            continue
        failed.append(step.name)
        run.resources.count("compensations_failed", {**tags, "step": step.name})
        if isinstance(error, ModelOnexError):
            code = str(error.error_code)
        elif isinstance(error, TimeoutError):
            code = str(EnumCoreErrorCode.TIMEOUT)
        else:
            code = str(EnumCoreErrorCode.INTERNAL_ERROR)
        record = CompensationFailure(
            run.operation,
            step.name,
            compensation,
            code,
            run.resources.compensation_attempts,
        )
        recorded = await run.publish(compensation_failed, record.payload(run.fields))
        emit_log(
            EnumLogLevel.ERROR if recorded else EnumLogLevel.CRITICAL,
            f"compensating step {step.name!r} failed "
            f"{run.resources.compensation_attempts} times"
            + (
                f"; recorded on {compensation_failed.topic}"
                if recorded
                else f"; could NOT be recorded on {compensation_failed.topic}: "
                "undo it by hand"
            ),
            run.resources.node,
            run.correlation_id,
            step=step.name,
            error_code=record.error_code,
        )
        if not recorded:
            run.resources.count("compensations_unrecorded", {**tags, "step": step.name})
    return compensated, nothing, failed


async def _compensate_step(
    run: SagaRun, step: SagaStep, compensation: StepAction
) -> BaseException | None:
    """Run the compensation up to the attempts allowed; the last error, or None."""
    attempts = run.resources.compensation_attempts
    last: BaseException | None = None
    for attempt in range(1, attempts + 1):
        try:
            async with asyncio.timeout(step.timeout_s):
                await _act(run, step.name, compensation, f"{run.operation}/compensate")
        except Exception as error:
            last = error
            if attempt < attempts:
                await asyncio.sleep(
                    run.resources.compensation_backoff_s * 2 ** (attempt - 1)
                )
            continue
        return None
    return last

"""Running declared workflow steps: stages from the plan's dependencies, the
failure of a step, timeouts, and a step's answer as the framework's value.

A generated orchestrator with declared steps carries these definitions in its
``node.py``; ``WORKFLOWS`` is its package's step table (``workflows.py``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Protocol
from uuid import UUID

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.common.model_schema_value import ModelSchemaValue
from omnibase_core.models.contracts.model_workflow_step import ModelWorkflowStep


class DeclaredStep(Protocol):
    """What the stages need of a declared step: its name."""

    @property
    def name(self) -> str:
        """The step's declared name."""


# the package's step table: operation -> stages -> the steps of a stage
WORKFLOWS: Mapping[str, Sequence[Sequence[DeclaredStep]]] = {}


class WorkflowStepFailed(Exception):
    """A declared step failed or ran out of time; the runner compensates, then raises ModelOnexError."""

    def __init__(self, step: str, cause: BaseException) -> None:
        super().__init__(f"step {step!r} failed: {cause}")
        self.step = step
        self.cause = cause


def _step_timed_out(error: BaseException | None) -> bool:
    """Whether a step failed by running out of time: its own limit, or the timeout of its request."""
    return isinstance(error, TimeoutError) or (
        isinstance(error, ModelOnexError)
        and error.error_code == EnumCoreErrorCode.TIMEOUT
    )


def _workflow_stages(
    operation: str, steps: list[ModelWorkflowStep], correlation_id: UUID
) -> list[list[ModelWorkflowStep]]:
    """The plan's enabled steps in stages: a step runs once every step it depends on has run (a disabled step counts as run), and the steps that become ready together run together. Refuses steps the operation does not declare, a step planned twice (it would run twice) and dependencies that can never be met."""
    declared = {step.name for stage in WORKFLOWS[operation] for step in stage}
    unknown = [step.step_name for step in steps if step.step_name not in declared]
    if unknown:
        names = ", ".join(sorted(declared))
        raise ModelOnexError(
            message=f"operation {operation!r} declares no step {unknown[0]!r}; declared: {names}",
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            correlation_id=correlation_id,
            operation=operation,
            step=unknown[0],
        )
    planned = [step.step_name for step in steps]
    repeated = sorted({name for name in planned if planned.count(name) > 1})
    if repeated:
        raise ModelOnexError(
            message=f"operation {operation!r} plans step {repeated[0]!r} more than once; a declared step runs at most once",
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            correlation_id=correlation_id,
            operation=operation,
            step=repeated[0],
        )
    done: set[UUID] = {step.step_id for step in steps if not step.enabled}
    waiting = [step for step in steps if step.enabled]
    stages: list[list[ModelWorkflowStep]] = []
    while waiting:
        ready = [step for step in waiting if done.issuperset(step.depends_on)]
        if not ready:
            names = ", ".join([step.step_name for step in waiting])
            raise ModelOnexError(
                message=f"steps {names} of {operation!r} wait on steps that are not planned, or on each other",
                error_code=EnumCoreErrorCode.ORCHESTRATOR_SEMANTIC_INVALID_DEPENDENCY,
                correlation_id=correlation_id,
                operation=operation,
            )
        stages.append(ready)
        done.update([step.step_id for step in ready])
        waiting = [step for step in waiting if step.step_id not in done]
    return stages




def _step_answer_value(value: object) -> ModelSchemaValue:
    """One value of a step's JSON answer as the framework's ModelSchemaValue; a value it cannot hold exactly (an integer beyond 2**53, say) is kept as its JSON text, so an answer never fails a step whose call has already taken effect."""
    try:
        return ModelSchemaValue.from_value(value)
    except (ModelOnexError, ValueError):
        return ModelSchemaValue.from_value(json.dumps(value))



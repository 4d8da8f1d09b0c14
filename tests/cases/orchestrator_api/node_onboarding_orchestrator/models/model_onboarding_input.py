"""Input of NodeOnboardingOrchestrator: the operation to run and its arguments."""

from typing import Literal
from uuid import UUID, uuid4

from omnibase_core.models.contracts.model_workflow_step import ModelWorkflowStep
from omnibase_core.models.orchestrator.model_orchestrator_input import (
    ModelOrchestratorInput,
)
from pydantic import ConfigDict, Field


class ModelOnboardingInput(ModelOrchestratorInput):
    """Input of NodeOnboardingOrchestrator: the operation to run and its arguments."""

    model_config = ConfigDict(extra="forbid")
    workflow_id: UUID = Field(
        default_factory=uuid4, description="Identifier of this workflow run."
    )
    steps: list[ModelWorkflowStep] = Field(
        default_factory=list,
        description="Steps to run as given; when empty the operation's handler plans them.",
    )
    operation: Literal["call_remote"] = Field(
        description="Which operation of the node to run."
    )
    correlation_id: UUID = Field(
        default_factory=uuid4,
        description="Correlation id carried into the output, logs and errors.",
    )
    item_id: str = Field(description="Identifier of the item.")
    quantity: int | None = None

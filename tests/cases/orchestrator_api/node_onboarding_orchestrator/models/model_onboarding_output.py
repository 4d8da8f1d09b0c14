"""Output of NodeOnboardingOrchestrator."""

from uuid import UUID

from omnibase_core.models.orchestrator.model_orchestrator_output import (
    ModelOrchestratorOutput,
)
from pydantic import ConfigDict, Field


class ModelOnboardingOutput(ModelOrchestratorOutput):
    """Output of NodeOnboardingOrchestrator."""

    model_config = ConfigDict(extra="forbid")
    execution_status: str = Field(
        default="pending", description="Status of the workflow run (set by the node)."
    )
    execution_time_ms: int = 0
    start_time: str = Field(
        default="", description="ISO timestamp of the workflow run (set by the node)."
    )
    end_time: str = Field(
        default="", description="ISO timestamp of the workflow run (set by the node)."
    )
    correlation_id: UUID | None = Field(
        default=None, description="Correlation id of the request."
    )
    item_id: str
    accepted: bool

"""Handler of the create_record operation of NodeRefundsOrchestrator."""

from omnibase_core.models.contracts.model_workflow_step import ModelWorkflowStep
from omnibase_core.models.orchestrator.model_orchestrator_output import (
    ModelOrchestratorOutput,
)

from ..models.model_refunds_input import ModelRefundsInput
from ..models.model_refunds_output import ModelRefundsOutput


class HandlerCreateRecord:
    """The create_record operation of NodeRefundsOrchestrator."""

    def plan(self, request: ModelRefundsInput) -> list[ModelWorkflowStep]:
        """Generated default: no steps (an empty workflow completes at once); plan the steps here."""
        return []

    async def handle(
        self, request: ModelRefundsInput, workflow: ModelOrchestratorOutput
    ) -> ModelRefundsOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelRefundsOutput(
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

"""Handler of the run operation of NodeCheckoutOrchestrator."""

from omnibase_core.models.contracts.model_workflow_step import ModelWorkflowStep
from omnibase_core.models.orchestrator.model_orchestrator_output import (
    ModelOrchestratorOutput,
)

from ..models.model_checkout_input import ModelCheckoutInput
from ..models.model_checkout_output import ModelCheckoutOutput


class HandlerRun:
    """The run operation of NodeCheckoutOrchestrator."""

    def plan(self, request: ModelCheckoutInput) -> list[ModelWorkflowStep]:
        """Generated default: no steps (an empty workflow completes at once); plan the steps here."""
        return []

    async def handle(
        self, request: ModelCheckoutInput, workflow: ModelOrchestratorOutput
    ) -> ModelCheckoutOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelCheckoutOutput(
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

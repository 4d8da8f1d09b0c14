"""Handler of the submit operation of NodeOrderPipelineOrchestrator."""

from omnibase_core.models.contracts.model_workflow_step import ModelWorkflowStep
from omnibase_core.models.orchestrator.model_orchestrator_output import (
    ModelOrchestratorOutput,
)

from ..models.model_order_pipeline_input import ModelOrderPipelineInput
from ..models.model_order_pipeline_output import ModelOrderPipelineOutput


class HandlerSubmit:
    """The submit operation of NodeOrderPipelineOrchestrator."""

    def plan(self, request: ModelOrderPipelineInput) -> list[ModelWorkflowStep]:
        """Generated default: no steps (an empty workflow completes at once); plan the steps here."""
        return []

    async def handle(
        self, request: ModelOrderPipelineInput, workflow: ModelOrchestratorOutput
    ) -> ModelOrderPipelineOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelOrderPipelineOutput(
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

"""Handler of the handle_order operation of NodeDispatchOrchestrator."""

from omnibase_core.models.contracts.model_workflow_step import ModelWorkflowStep
from omnibase_core.models.orchestrator.model_orchestrator_output import (
    ModelOrchestratorOutput,
)

from ..models.model_dispatch_input import ModelDispatchInput
from ..models.model_dispatch_output import ModelDispatchOutput


class HandlerHandleOrder:
    """The handle_order operation of NodeDispatchOrchestrator."""

    def plan(self, request: ModelDispatchInput) -> list[ModelWorkflowStep]:
        """Generated default: no steps (an empty workflow completes at once); plan the steps here."""
        return []

    async def handle(
        self, request: ModelDispatchInput, workflow: ModelOrchestratorOutput
    ) -> ModelDispatchOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelDispatchOutput(
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

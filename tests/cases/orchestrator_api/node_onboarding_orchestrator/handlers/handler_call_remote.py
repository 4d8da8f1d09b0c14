"""Handler of the call_remote operation of NodeOnboardingOrchestrator."""

from omnibase_core.models.contracts.model_workflow_step import ModelWorkflowStep
from omnibase_core.models.orchestrator.model_orchestrator_output import (
    ModelOrchestratorOutput,
)

from ..models.model_onboarding_input import ModelOnboardingInput
from ..models.model_onboarding_output import ModelOnboardingOutput


class HandlerCallRemote:
    """The call_remote operation of NodeOnboardingOrchestrator."""

    def plan(self, request: ModelOnboardingInput) -> list[ModelWorkflowStep]:
        """Generated default: no steps (an empty workflow completes at once); plan the steps here."""
        return []

    async def handle(
        self, request: ModelOnboardingInput, workflow: ModelOrchestratorOutput
    ) -> ModelOnboardingOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelOnboardingOutput(
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

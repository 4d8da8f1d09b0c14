"""Handler of the lookup operation of NodeCatalogSyncOrchestrator."""

from omnibase_core.models.contracts.model_workflow_step import ModelWorkflowStep
from omnibase_core.models.orchestrator.model_orchestrator_output import (
    ModelOrchestratorOutput,
)

from ..models.model_catalog_sync_input import ModelCatalogSyncInput
from ..models.model_catalog_sync_output import ModelCatalogSyncOutput


class HandlerLookup:
    """The lookup operation of NodeCatalogSyncOrchestrator."""

    def plan(self, request: ModelCatalogSyncInput) -> list[ModelWorkflowStep]:
        """Generated default: no steps (an empty workflow completes at once); plan the steps here."""
        return []

    async def handle(
        self, request: ModelCatalogSyncInput, workflow: ModelOrchestratorOutput
    ) -> ModelCatalogSyncOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelCatalogSyncOutput(
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

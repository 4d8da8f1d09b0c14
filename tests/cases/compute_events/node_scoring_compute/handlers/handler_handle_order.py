"""Handler of the handle_order operation of NodeScoringCompute."""

from ..models.model_scoring_input import ModelScoringInput
from ..models.model_scoring_output import ModelScoringOutput


class HandlerHandleOrder:
    """The handle_order operation of NodeScoringCompute."""

    async def handle(self, request: ModelScoringInput) -> ModelScoringOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelScoringOutput(
            operation_id=request.operation_id,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

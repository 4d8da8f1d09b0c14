"""Handler of the cancel operation of NodeRecommendationsCompute."""

from ..models.model_recommendations_input import ModelRecommendationsInput
from ..models.model_recommendations_output import ModelRecommendationsOutput


class HandlerCancel:
    """The cancel operation of NodeRecommendationsCompute."""

    async def handle(
        self, request: ModelRecommendationsInput
    ) -> ModelRecommendationsOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelRecommendationsOutput(
            operation_id=request.operation_id,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

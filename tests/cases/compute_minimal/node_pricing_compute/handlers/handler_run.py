"""Handler of the run operation of NodePricingCompute."""

from ..models.model_pricing_input import ModelPricingInput
from ..models.model_pricing_output import ModelPricingOutput


class HandlerRun:
    """The run operation of NodePricingCompute."""

    async def handle(self, request: ModelPricingInput) -> ModelPricingOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelPricingOutput(
            operation_id=request.operation_id,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

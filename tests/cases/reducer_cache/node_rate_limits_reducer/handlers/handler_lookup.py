"""Handler of the lookup operation of NodeRateLimitsReducer."""

from ..models.model_rate_limits_input import ModelRateLimitsInput
from ..models.model_rate_limits_output import ModelRateLimitsOutput


class HandlerLookup:
    """The lookup operation of NodeRateLimitsReducer."""

    async def handle(
        self, request: ModelRateLimitsInput, state: ModelRateLimitsOutput | None
    ) -> ModelRateLimitsOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelRateLimitsOutput(
            operation_id=request.operation_id,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

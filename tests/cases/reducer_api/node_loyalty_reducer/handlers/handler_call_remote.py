"""Handler of the call_remote operation of NodeLoyaltyReducer."""

from ..models.model_loyalty_input import ModelLoyaltyInput
from ..models.model_loyalty_output import ModelLoyaltyOutput


class HandlerCallRemote:
    """The call_remote operation of NodeLoyaltyReducer."""

    async def handle(
        self, request: ModelLoyaltyInput, state: ModelLoyaltyOutput | None
    ) -> ModelLoyaltyOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelLoyaltyOutput(
            operation_id=request.operation_id,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

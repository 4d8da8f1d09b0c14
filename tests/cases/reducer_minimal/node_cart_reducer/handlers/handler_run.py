"""Handler of the run operation of NodeCartReducer."""

from ..models.model_cart_input import ModelCartInput
from ..models.model_cart_output import ModelCartOutput


class HandlerRun:
    """The run operation of NodeCartReducer."""

    async def handle(
        self, request: ModelCartInput, state: ModelCartOutput | None
    ) -> ModelCartOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelCartOutput(
            operation_id=request.operation_id,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

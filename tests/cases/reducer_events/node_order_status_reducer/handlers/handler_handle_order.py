"""Handler of the handle_order operation of NodeOrderStatusReducer."""

from ..models.model_order_status_input import ModelOrderStatusInput
from ..models.model_order_status_output import ModelOrderStatusOutput


class HandlerHandleOrder:
    """The handle_order operation of NodeOrderStatusReducer."""

    async def handle(
        self, request: ModelOrderStatusInput, state: ModelOrderStatusOutput | None
    ) -> ModelOrderStatusOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelOrderStatusOutput(
            operation_id=request.operation_id,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

"""Handler of the read_record operation of NodeOrdersEffect."""

from ..models.model_orders_input import ModelOrdersInput
from ..models.model_orders_output import ModelOrdersOutput


class HandlerReadRecord:
    """The read_record operation of NodeOrdersEffect."""

    async def handle(self, request: ModelOrdersInput) -> ModelOrdersOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelOrdersOutput(
            operation_id=request.operation_id,
            effect_type=request.effect_type,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

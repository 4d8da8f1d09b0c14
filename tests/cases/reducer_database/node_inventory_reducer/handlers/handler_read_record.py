"""Handler of the read_record operation of NodeInventoryReducer."""

from ..models.model_inventory_input import ModelInventoryInput
from ..models.model_inventory_output import ModelInventoryOutput


class HandlerReadRecord:
    """The read_record operation of NodeInventoryReducer."""

    async def handle(
        self, request: ModelInventoryInput, state: ModelInventoryOutput | None
    ) -> ModelInventoryOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelInventoryOutput(
            operation_id=request.operation_id,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

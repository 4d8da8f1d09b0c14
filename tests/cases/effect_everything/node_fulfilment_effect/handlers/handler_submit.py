"""Handler of the submit operation of NodeFulfilmentEffect."""

from ..models.model_fulfilment_input import ModelFulfilmentInput
from ..models.model_fulfilment_output import ModelFulfilmentOutput


class HandlerSubmit:
    """The submit operation of NodeFulfilmentEffect."""

    async def handle(self, request: ModelFulfilmentInput) -> ModelFulfilmentOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelFulfilmentOutput(
            operation_id=request.operation_id,
            effect_type=request.effect_type,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

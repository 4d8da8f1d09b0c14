"""Handler of the call_remote operation of NodeFxRatesCompute."""

from ..models.model_fx_rates_input import ModelFxRatesInput
from ..models.model_fx_rates_output import ModelFxRatesOutput


class HandlerCallRemote:
    """The call_remote operation of NodeFxRatesCompute."""

    async def handle(self, request: ModelFxRatesInput) -> ModelFxRatesOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelFxRatesOutput(
            operation_id=request.operation_id,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

"""Handler of the create_record operation of NodeTaxRatesCompute."""

from ..models.model_tax_rates_input import ModelTaxRatesInput
from ..models.model_tax_rates_output import ModelTaxRatesOutput


class HandlerCreateRecord:
    """The create_record operation of NodeTaxRatesCompute."""

    async def handle(self, request: ModelTaxRatesInput) -> ModelTaxRatesOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelTaxRatesOutput(
            operation_id=request.operation_id,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

"""Handler of the lookup operation of NodeShippingQuoteCompute."""

from ..models.model_shipping_quote_input import ModelShippingQuoteInput
from ..models.model_shipping_quote_output import ModelShippingQuoteOutput


class HandlerLookup:
    """The lookup operation of NodeShippingQuoteCompute."""

    async def handle(
        self, request: ModelShippingQuoteInput
    ) -> ModelShippingQuoteOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelShippingQuoteOutput(
            operation_id=request.operation_id,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

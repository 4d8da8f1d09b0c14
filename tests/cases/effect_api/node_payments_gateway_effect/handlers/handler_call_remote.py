"""Handler of the call_remote operation of NodePaymentsGatewayEffect."""

from ..models.model_payments_gateway_input import ModelPaymentsGatewayInput
from ..models.model_payments_gateway_output import ModelPaymentsGatewayOutput


class HandlerCallRemote:
    """The call_remote operation of NodePaymentsGatewayEffect."""

    async def handle(
        self, request: ModelPaymentsGatewayInput
    ) -> ModelPaymentsGatewayOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelPaymentsGatewayOutput(
            operation_id=request.operation_id,
            effect_type=request.effect_type,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

"""Handler of the handle_order operation of NodeNotificationsEffect."""

from ..models.model_notifications_input import ModelNotificationsInput
from ..models.model_notifications_output import ModelNotificationsOutput


class HandlerHandleOrder:
    """The handle_order operation of NodeNotificationsEffect."""

    async def handle(
        self, request: ModelNotificationsInput
    ) -> ModelNotificationsOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelNotificationsOutput(
            operation_id=request.operation_id,
            effect_type=request.effect_type,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

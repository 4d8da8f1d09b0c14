"""Handler of the lookup operation of NodeSessionsEffect."""

from ..models.model_sessions_input import ModelSessionsInput
from ..models.model_sessions_output import ModelSessionsOutput


class HandlerLookup:
    """The lookup operation of NodeSessionsEffect."""

    async def handle(self, request: ModelSessionsInput) -> ModelSessionsOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelSessionsOutput(
            operation_id=request.operation_id,
            effect_type=request.effect_type,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

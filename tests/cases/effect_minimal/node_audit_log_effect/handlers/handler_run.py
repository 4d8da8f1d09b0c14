"""Handler of the run operation of NodeAuditLogEffect."""

from ..models.model_audit_log_input import ModelAuditLogInput
from ..models.model_audit_log_output import ModelAuditLogOutput


class HandlerRun:
    """The run operation of NodeAuditLogEffect."""

    async def handle(self, request: ModelAuditLogInput) -> ModelAuditLogOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelAuditLogOutput(
            operation_id=request.operation_id,
            effect_type=request.effect_type,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

"""Audit trail from the vendor's plain mixin."""

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes import NodeEffect
from vendor_kit.mixins import AuditMixin


class NodeAuditEffect(NodeEffect, AuditMixin):
    """Writes audit events."""

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        count = self.audit(str(input_data.operation_data["item"]))
        return ModelEffectOutput(
            result={"events": count},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

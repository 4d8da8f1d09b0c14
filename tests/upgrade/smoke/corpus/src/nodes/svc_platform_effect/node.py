"""Inventory, on the platform's service base."""

from __future__ import annotations

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput

from acme_platform.bases import PlatformServiceEffect


class NodeInventoryEffect(PlatformServiceEffect):
    """Reserves stock."""

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        reserved = int(input_data.operation_data["amount"])
        return ModelEffectOutput(
            result={"reserved": reserved, "by": self.describe()},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

"""Refuses an amount over its limit with the error its callers catch."""

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes import NodeEffect


class NodeLimitEffect(NodeEffect):
    """Checks limits."""

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        if input_data.operation_data["amount"] > 1:
            raise ValueError("amount over the limit")  # callers catch ValueError
        return ModelEffectOutput(
            result={"ok": True},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

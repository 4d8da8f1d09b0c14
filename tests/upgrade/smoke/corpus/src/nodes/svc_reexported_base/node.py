"""Shipping labels; the base comes through the platform package's re-export."""

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput

from acme_platform import PlatformServiceEffect


class NodeShippingEffect(PlatformServiceEffect):
    """Prints shipping labels."""

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        label = f"{input_data.operation_data['item']} x{input_data.operation_data['amount']}"
        return ModelEffectOutput(
            result={"label": label},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

"""A node on a base made by a factory at import time."""

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from vendor_kit.dynamic import DynamicEffect


class NodeOpaqueEffect(DynamicEffect):  # type: ignore[misc, valid-type]
    """Nobody can tell what its base brings without running it."""

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        return ModelEffectOutput(
            result={"item": input_data.operation_data["item"]},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

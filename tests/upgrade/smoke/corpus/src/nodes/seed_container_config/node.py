"""Reads its settings from the container, as seed-era nodes did."""

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.nodes import NodeEffect


class NodeSettingsEffect(NodeEffect):
    """Reports a setting."""

    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)
        self._limit = 5

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        return ModelEffectOutput(
            result={"limit": self._limit},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

"""Async start, synchronous stop."""

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes import NodeEffect


class NodeSessionEffect(NodeEffect):
    """Opens a session at start."""

    async def initialize(self) -> None:
        await super().initialize()
        self._session = "open"

    def cleanup(self) -> None:  # type: ignore[override]
        self._session = "closed"

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        return ModelEffectOutput(
            result={"session": self._session},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

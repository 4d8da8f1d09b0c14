"""Imports the container for annotations only, under TYPE_CHECKING."""

from __future__ import annotations

from typing import TYPE_CHECKING

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes import NodeEffect

if TYPE_CHECKING:
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer


class NodeStampEffect(NodeEffect):
    """Stamps documents."""

    def bind(self, container: ModelONEXContainer) -> None:
        self._bound = container is not None

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        return ModelEffectOutput(
            result={"stamped": input_data.operation_data["item"]},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

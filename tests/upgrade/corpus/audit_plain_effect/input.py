"""A hand-written effect node that stores audit records."""

from __future__ import annotations

from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.enums import EnumTransactionState
from omnibase_core.nodes import NodeEffect


class NodeAuditTrailEffect(NodeEffect):
    """Writes audit records."""

    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)
        # records kept in memory until the store exists
        self._records: list[dict[str, object]] = []

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        record = dict(input_data.operation_data)
        self._records.append(record)  # keep it
        return ModelEffectOutput(
            result={"stored": len(self._records)},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

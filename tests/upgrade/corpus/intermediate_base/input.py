"""Billing nodes share a local base with the team's logging helper."""

from __future__ import annotations

from uuid import UUID

from omnibase_core.enums import EnumTransactionState
from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.logging.logging_structured import emit_log_event_sync
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes import NodeEffect


class _BillingEffectBase(NodeEffect):
    """What every billing node has."""

    def _emit_log(
        self, level: EnumLogLevel, message: str, correlation_id: UUID | None = None, **context: object
    ) -> None:
        emit_log_event_sync(level, message, {"team": "billing", **context})


class NodeBillingEffect(_BillingEffectBase):
    """Charges customers."""

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        self._emit_log(EnumLogLevel.INFO, "charging")
        return ModelEffectOutput(
            result={"charged": True},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

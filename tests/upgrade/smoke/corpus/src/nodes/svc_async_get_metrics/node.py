"""Billing: its base reports metrics asynchronously."""

from __future__ import annotations

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput

from acme_platform import AsyncMetricsEffect


class NodeBillingEffect(AsyncMetricsEffect):
    """Bills an order."""

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        calls = (await self.get_metrics())["calls"]
        return ModelEffectOutput(
            result={"billed": input_data.operation_data["amount"] * 10, "calls": calls},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

"""Seed-style node: one handle_<operation> method per operation."""

from typing import Any

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes import NodeEffect


class NodeAccountsEffect(NodeEffect):
    """Opens and closes accounts."""

    async def handle_open(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"opened": data["item"]}

    async def handle_close(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"closed": data["item"]}

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        operation = input_data.operation_data.get("operation", "open")
        handler = self.handle_open if operation == "open" else self.handle_close
        return ModelEffectOutput(
            result=await handler(dict(input_data.operation_data)),
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

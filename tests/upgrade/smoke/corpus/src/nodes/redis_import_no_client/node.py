"""Imports redis for a type only; talks to no server."""

from redis.exceptions import RedisError
from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes import NodeEffect


class NodeTokensEffect(NodeEffect):
    """Hands out tokens from memory."""

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        errors: tuple[type[Exception], ...] = (RedisError,)
        return ModelEffectOutput(
            result={"token": "t-1", "errors": len(errors)},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

"""Imports Kafka's errors only: it has no producer yet."""

from aiokafka.errors import KafkaError
from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes.node_service_effect import ModelServiceEffect


class NodeNotifyEffect(ModelServiceEffect):
    """Notifies, and will publish one day."""

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        try:
            result = {"notified": input_data.operation_data["item"]}
        except KafkaError:
            result = {"notified": None}
        return ModelEffectOutput(
            result=result,
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

"""Creates its Kafka producer on first use."""

import os

import aiokafka
from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes import NodeEffect


class NodeAlertsEffect(NodeEffect):
    """Raises alerts."""

    _producer: aiokafka.AIOKafkaProducer | None = None

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        if self._producer is None:
            self._producer = aiokafka.AIOKafkaProducer(bootstrap_servers=os.environ["KAFKA_BOOTSTRAP_SERVERS"])
            await self._producer.start()
        await self._producer.send_and_wait(os.environ["SMOKE_TOPIC"], b"alert")
        return ModelEffectOutput(
            result={"alerted": True},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

    async def cleanup(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
        await super().cleanup()

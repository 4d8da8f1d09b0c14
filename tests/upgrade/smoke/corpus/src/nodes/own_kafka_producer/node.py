"""Publishes to Kafka with a producer of its own."""

from __future__ import annotations

import json
import os

from aiokafka import AIOKafkaProducer
from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes.node_service_effect import ModelServiceEffect


class NodeOrderEventsEffect(ModelServiceEffect):
    """Announces orders."""

    async def initialize(self) -> None:
        await super().initialize()
        self._producer = AIOKafkaProducer(bootstrap_servers=os.environ["KAFKA_BOOTSTRAP_SERVERS"])
        await self._producer.start()

    async def cleanup(self) -> None:
        await self._producer.stop()
        await super().cleanup()

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        payload = json.dumps(input_data.operation_data).encode()
        record = await self._producer.send_and_wait(os.environ["SMOKE_TOPIC"], payload)
        return ModelEffectOutput(
            result={"published": record.topic == os.environ["SMOKE_TOPIC"]},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

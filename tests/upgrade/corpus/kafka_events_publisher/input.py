"""Publishes shipment events to Kafka."""

from __future__ import annotations

import json

from aiokafka import AIOKafkaProducer  # type: ignore[import-untyped]
from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes import NodeEffect

TOPIC = "shipments.v1"


class NodeShipmentsEffect(NodeEffect):
    """Announces shipments."""

    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)
        self.producer = AIOKafkaProducer(bootstrap_servers="localhost:9092")

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        payload = json.dumps(dict(input_data.operation_data)).encode()
        await self.producer.send_and_wait(TOPIC, payload)
        return ModelEffectOutput(
            result={"published": True},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

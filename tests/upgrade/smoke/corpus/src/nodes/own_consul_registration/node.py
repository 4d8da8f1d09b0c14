"""Registers itself with Consul (py-consul) on its own."""

import asyncio
import os

import consul  # type: ignore[import-untyped]
from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes.node_service_effect import ModelServiceEffect


class NodeCatalogEffect(ModelServiceEffect):
    """Serves the catalogue."""

    async def initialize(self) -> None:
        await super().initialize()
        self._agent = consul.Consul(host=os.environ["CONSUL_HOST"], port=int(os.environ["CONSUL_PORT"])).agent
        await asyncio.to_thread(self._agent.service.register, "catalog", service_id="catalog-1")

    async def cleanup(self) -> None:
        await asyncio.to_thread(self._agent.service.deregister, "catalog-1")
        await super().cleanup()

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        return ModelEffectOutput(
            result={"items": 3},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

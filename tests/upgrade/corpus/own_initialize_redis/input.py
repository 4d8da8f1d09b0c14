"""Session lookups backed by Redis; the node manages its own connection."""

from __future__ import annotations

import os

import redis.asyncio
from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes.node_service_effect import ModelServiceEffect


class NodeSessionsEffect(ModelServiceEffect):
    """Looks sessions up by token."""

    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)
        self.cache: redis.asyncio.Redis | None = None

    async def initialize(self) -> None:
        await super().initialize()
        self.cache = redis.asyncio.Redis.from_url(os.environ.get("SESSIONS_REDIS", "redis://localhost"))

    async def cleanup(self) -> None:
        if self.cache is not None:
            await self.cache.aclose()
        await super().cleanup()

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        assert self.cache is not None, "initialize() first"
        token = str(input_data.model_dump()["operation_data"].get("token", ""))
        session = await self.cache.get(f"session:{token}")
        return ModelEffectOutput(
            result={"found": session is not None},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

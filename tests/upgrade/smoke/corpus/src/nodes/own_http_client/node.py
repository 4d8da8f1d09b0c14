"""Calls a price service with its own httpx client (served in memory here)."""

import httpx
from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes import NodeEffect


def _prices(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"price": 7})


class NodeQuoteEffect(NodeEffect):
    """Asks for a price."""

    async def initialize(self) -> None:
        await super().initialize()
        self._client = httpx.AsyncClient(transport=httpx.MockTransport(_prices), base_url="http://prices")

    async def cleanup(self) -> None:
        await self._client.aclose()
        await super().cleanup()

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        answer = (await self._client.get("/price")).json()
        return ModelEffectOutput(
            result={"price": answer["price"]},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

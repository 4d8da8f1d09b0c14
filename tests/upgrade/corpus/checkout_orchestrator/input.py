"""Checkout: reserve stock, take payment, confirm — in that order."""

from __future__ import annotations

import httpx
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.orchestrator.model_orchestrator_input import ModelOrchestratorInput
from omnibase_core.models.orchestrator.model_orchestrator_output import ModelOrchestratorOutput
from omnibase_core.nodes.node_service_orchestrator import ModelServiceOrchestrator

STEPS = ("reserve", "pay", "confirm")


class NodeCheckoutOrchestrator(ModelServiceOrchestrator):
    """Runs the checkout workflow against the shop's HTTP API."""

    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)
        self.api = httpx.AsyncClient(base_url="http://shop.internal")

    async def process(self, input_data: ModelOrchestratorInput) -> ModelOrchestratorOutput:
        completed: list[str] = []
        for step in STEPS:
            response = await self.api.post(f"/checkout/{step}", json={"workflow": str(input_data.workflow_id)})
            response.raise_for_status()
            completed.append(step)
        return ModelOrchestratorOutput(
            execution_status="completed",
            execution_time_ms=0,
            start_time="",
            end_time="",
            completed_steps=completed,
        )

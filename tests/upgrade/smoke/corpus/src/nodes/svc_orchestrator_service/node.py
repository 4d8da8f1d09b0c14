"""Fulfilment, a service orchestrator that runs no steps of its own."""

from omnibase_core.models.orchestrator.model_orchestrator_input import ModelOrchestratorInput
from omnibase_core.models.orchestrator.model_orchestrator_output import ModelOrchestratorOutput
from omnibase_core.nodes.node_service_orchestrator import ModelServiceOrchestrator


class NodeFulfilmentOrchestrator(ModelServiceOrchestrator):
    """Plans a fulfilment."""

    async def process(self, input_data: ModelOrchestratorInput) -> ModelOrchestratorOutput:
        return ModelOrchestratorOutput(
            execution_status="completed",
            execution_time_ms=0,
            start_time="2026-01-01T00:00:00",
            end_time="2026-01-01T00:00:00",
            output_variables={"steps": len(input_data.steps)},
        )

"""A compute service with a synchronous health check of its own."""

from collections.abc import Callable
from typing import Any

from omnibase_core.models.compute.model_compute_input import ModelComputeInput
from omnibase_core.models.compute.model_compute_output import ModelComputeOutput
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.nodes.node_service_compute import ModelServiceCompute


class NodeScoreCompute(ModelServiceCompute[Any, Any]):
    """Scores a value."""

    def get_health_checks(self) -> list[Callable[[], ModelHealthStatus]]:
        checks: list[Callable[[], ModelHealthStatus]] = [self._check_model_loaded]
        return checks

    def _check_model_loaded(self) -> ModelHealthStatus:
        return ModelHealthStatus.create_healthy(score=1.0)

    async def process(self, input_data: ModelComputeInput[Any]) -> ModelComputeOutput[Any]:
        return ModelComputeOutput(
            result={"score": input_data.data["value"] + 1},
            operation_id=input_data.operation_id,
            computation_type=input_data.computation_type,
            processing_time_ms=0.0,
        )

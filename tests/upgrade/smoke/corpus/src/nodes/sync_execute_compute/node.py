"""A synchronous execute_compute behind an async process."""

from typing import Any

from omnibase_core.models.compute.model_compute_input import ModelComputeInput
from omnibase_core.models.compute.model_compute_output import ModelComputeOutput
from omnibase_core.nodes import NodeCompute


class NodeUnitsCompute(NodeCompute[Any, Any]):
    """Converts lengths to metres."""

    def execute_compute(self, contract: Any) -> Any:  # type: ignore[override]
        return {"metres": contract.data["value"] * 1000.0}

    async def process(self, input_data: ModelComputeInput[Any]) -> ModelComputeOutput[Any]:
        return ModelComputeOutput(
            result=self.execute_compute(input_data),
            operation_id=input_data.operation_id,
            computation_type=input_data.computation_type,
            processing_time_ms=0.0,
        )

"""Synchronous initialize and cleanup on a plain compute node."""

from typing import Any

from omnibase_core.models.compute.model_compute_input import ModelComputeInput
from omnibase_core.models.compute.model_compute_output import ModelComputeOutput
from omnibase_core.nodes import NodeCompute


class NodeConverterCompute(NodeCompute[Any, Any]):
    """Converts units with a table loaded at start."""

    def initialize(self) -> None:  # type: ignore[override]
        self._table = {"km": 1000.0, "m": 1.0}

    def cleanup(self) -> None:  # type: ignore[override]
        self._table = {}

    async def process(self, input_data: ModelComputeInput[Any]) -> ModelComputeOutput[Any]:
        metres = input_data.data["value"] * self._table[input_data.data["unit"]]
        return ModelComputeOutput(
            result={"metres": metres},
            operation_id=input_data.operation_id,
            computation_type=input_data.computation_type,
            processing_time_ms=0.0,
        )

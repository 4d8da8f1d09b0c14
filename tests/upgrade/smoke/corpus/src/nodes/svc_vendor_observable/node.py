"""A ledger whose health and metrics come from the vendor's mixin."""

from __future__ import annotations

from typing import Any

from omnibase_core.models.compute.model_compute_input import ModelComputeInput
from omnibase_core.models.compute.model_compute_output import ModelComputeOutput
from omnibase_core.nodes import NodeCompute
from vendor_kit.mixins import ObservableMixin


class NodeLedgerCompute(NodeCompute[Any, Any], ObservableMixin):
    """Adds up a ledger."""

    async def process(self, input_data: ModelComputeInput[Any]) -> ModelComputeOutput[Any]:
        total = input_data.data["value"] * 2
        return ModelComputeOutput(
            result={"total": total},
            operation_id=input_data.operation_id,
            computation_type=input_data.computation_type,
            processing_time_ms=0.0,
        )

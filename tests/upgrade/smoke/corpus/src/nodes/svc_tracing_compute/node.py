"""Pricing with the platform's tracing mixin."""

from typing import Any

from omnibase_core.models.compute.model_compute_input import ModelComputeInput
from omnibase_core.models.compute.model_compute_output import ModelComputeOutput

from acme_platform.bases import PlatformCompute


class NodePricingCompute(PlatformCompute):
    """Prices a quantity."""

    async def process(self, input_data: ModelComputeInput[Any]) -> ModelComputeOutput[Any]:
        span = self.trace("price")
        return ModelComputeOutput(
            result={"price": input_data.data["value"] * 4, "span": span},
            operation_id=input_data.operation_id,
            computation_type=input_data.computation_type,
            processing_time_ms=0.0,
        )

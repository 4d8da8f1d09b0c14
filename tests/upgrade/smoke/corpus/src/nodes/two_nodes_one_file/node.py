"""Two nodes in one module."""

from typing import Any

from omnibase_core.models.compute.model_compute_input import ModelComputeInput
from omnibase_core.models.compute.model_compute_output import ModelComputeOutput
from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes import NodeCompute, NodeEffect


class NodeDoubleCompute(NodeCompute[Any, Any]):
    """Doubles."""

    async def process(self, input_data: ModelComputeInput[Any]) -> ModelComputeOutput[Any]:
        return ModelComputeOutput(
            result={"double": input_data.data["value"] * 2},
            operation_id=input_data.operation_id,
            computation_type=input_data.computation_type,
            processing_time_ms=0.0,
        )


class NodeEchoEffect(NodeEffect):
    """Echoes."""

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        return ModelEffectOutput(
            result=dict(input_data.operation_data),
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

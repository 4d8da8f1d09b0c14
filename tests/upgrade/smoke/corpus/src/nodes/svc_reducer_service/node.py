"""Tally, a service reducer."""

from typing import Any

from omnibase_core.models.reducer.model_reducer_input import ModelReducerInput
from omnibase_core.models.reducer.model_reducer_output import ModelReducerOutput
from omnibase_core.nodes.node_service_reducer import ModelServiceReducer


class NodeTallyReducer(ModelServiceReducer[Any, Any]):
    """Sums what it is given."""

    async def process(self, input_data: ModelReducerInput[Any]) -> ModelReducerOutput[Any]:
        return ModelReducerOutput(
            result={"sum": sum(input_data.data)},
            operation_id=input_data.operation_id,
            reduction_type=input_data.reduction_type,
            processing_time_ms=0.0,
            items_processed=len(input_data.data),
        )

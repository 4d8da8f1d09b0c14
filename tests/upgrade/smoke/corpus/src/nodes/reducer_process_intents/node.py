"""A reducer whose process takes the framework's projection intents too."""

from collections.abc import Sequence
from typing import Any

from omnibase_core.models.reducer.model_reducer_input import ModelReducerInput
from omnibase_core.models.reducer.model_reducer_output import ModelReducerOutput
from omnibase_core.nodes import NodeReducer


class NodeMaxReducer(NodeReducer[Any, Any]):
    """Keeps the maximum."""

    async def process(
        self, input_data: ModelReducerInput[Any], projection_intents: Sequence[Any] = ()
    ) -> ModelReducerOutput[Any]:
        return ModelReducerOutput(
            result={"max": max(input_data.data)},
            operation_id=input_data.operation_id,
            reduction_type=input_data.reduction_type,
            processing_time_ms=0.0,
            items_processed=len(input_data.data),
        )

'''Tag normalisation, in the team's two-space style.'''
from omnibase_core.models.compute.model_compute_input import ModelComputeInput
from omnibase_core.models.compute.model_compute_output import ModelComputeOutput
from omnibase_core.nodes import NodeCompute
from omnibase_core.types.type_serializable_value import SerializedDict


class NodeTagsCompute(NodeCompute[SerializedDict, SerializedDict]):
  async def process(self, input_data: ModelComputeInput[SerializedDict]) -> ModelComputeOutput[SerializedDict]:
    tags = sorted({str(tag).strip().lower() for tag in str(input_data.data.get('tags', '')).split(',')})
    return ModelComputeOutput[SerializedDict](
      result={'tags': ','.join(tags)},
      operation_id=input_data.operation_id,
      computation_type=input_data.computation_type,
      processing_time_ms=0.0,
    )

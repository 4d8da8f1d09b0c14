"""Output of NodeRateLimitsReducer."""

from uuid import UUID, uuid4

from omnibase_core.enums import EnumReductionType
from omnibase_core.models.reducer.model_reducer_output import ModelReducerOutput
from omnibase_core.types.type_serializable_value import SerializedDict
from pydantic import ConfigDict, Field


class ModelRateLimitsOutput(ModelReducerOutput[SerializedDict]):
    """Output of NodeRateLimitsReducer."""

    model_config = ConfigDict(extra="forbid")
    result: SerializedDict = Field(
        default_factory=dict,
        description="The declared output fields as plain data (set by the node).",
    )
    operation_id: UUID = Field(
        default_factory=uuid4,
        description="Operation id of the request this output answers.",
    )
    reduction_type: EnumReductionType = EnumReductionType.FOLD
    processing_time_ms: float = 0.0
    items_processed: int = Field(
        default=1, description="Events folded into the state: one per process()."
    )
    correlation_id: UUID | None = Field(
        default=None, description="Correlation id of the request."
    )
    item_id: str
    accepted: bool

"""Output of NodeTaxRatesCompute."""

from uuid import UUID, uuid4

from omnibase_core.models.compute.model_compute_output import ModelComputeOutput
from omnibase_core.types.type_serializable_value import SerializedDict
from pydantic import ConfigDict, Field


class ModelTaxRatesOutput(ModelComputeOutput[SerializedDict]):
    """Output of NodeTaxRatesCompute."""

    model_config = ConfigDict(extra="forbid")
    result: SerializedDict = Field(
        default_factory=dict,
        description="The declared output fields as plain data (set by the node).",
    )
    operation_id: UUID = Field(
        default_factory=uuid4,
        description="Operation id of the request this output answers.",
    )
    computation_type: str = Field(
        default="default",
        description="The operation that produced this output (set by the node).",
    )
    processing_time_ms: float = 0.0
    correlation_id: UUID | None = Field(
        default=None, description="Correlation id of the request."
    )
    item_id: str
    accepted: bool

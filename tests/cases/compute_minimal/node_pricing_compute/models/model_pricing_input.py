"""Input of NodePricingCompute: the operation to run and its arguments."""

from typing import Literal
from uuid import UUID, uuid4

from omnibase_core.models.compute.model_compute_input import ModelComputeInput
from omnibase_core.types.type_serializable_value import SerializedDict
from pydantic import ConfigDict, Field


class ModelPricingInput(ModelComputeInput[SerializedDict]):
    """Input of NodePricingCompute: the operation to run and its arguments."""

    model_config = ConfigDict(extra="forbid")
    data: SerializedDict = Field(
        default_factory=dict,
        description="Unused by typed requests: their fields are declared below.",
    )
    operation: Literal["run"] = Field(description="Which operation of the node to run.")
    correlation_id: UUID = Field(
        default_factory=uuid4,
        description="Correlation id carried into the output, logs and errors.",
    )
    item_id: str = Field(description="Identifier of the item.")
    quantity: int | None = None

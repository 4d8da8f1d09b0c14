"""Net and gross prices, routed with match."""

from typing import Any

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.nodes import NodeCompute

from shop.nodes.pricing.models import ModelPricingInput, ModelPricingOutput

VAT = 0.2


def checked(amount: float) -> float:
    """Negative amounts are a caller's mistake."""
    if amount < 0:
        raise ModelOnexError(message="negative amount", error_code=EnumCoreErrorCode.VALIDATION_ERROR)
    return amount


class NodePricingCompute(NodeCompute[Any, Any]):
    """Computes prices."""

    async def process(self, input_data: ModelPricingInput) -> ModelPricingOutput:  # type: ignore[override]
        match input_data.operation:
            case "net":
                return ModelPricingOutput(operation="net", correlation_id=input_data.correlation_id,
                                          value=checked(input_data.amount))
            case "gross":
                value = checked(input_data.amount) * (1 + VAT)
                return ModelPricingOutput(operation="gross", correlation_id=input_data.correlation_id,
                                          value=round(value, 2))
            case _:
                raise ModelOnexError(message="unknown operation", error_code=EnumCoreErrorCode.INVALID_OPERATION)

"""Orders: quotes, reservations and cancellations, routed by operation."""

from __future__ import annotations

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.nodes import NodeEffect

from .models import ModelOrdersInput, ModelOrdersOutput

PRICES = {"apple": 0.5, "pear": 0.75}


class NodeOrdersEffect(NodeEffect):
    """Quotes and reserves orders."""

    async def process(self, request: ModelOrdersInput) -> ModelOrdersOutput:
        """Route by operation."""
        if request.operation == "quote":
            return ModelOrdersOutput(
                operation=request.operation,
                correlation_id=request.correlation_id,
                total=self._price(request.sku) * request.quantity,
            )
        elif request.operation == "reserve":
            if request.quantity > 10:
                raise ModelOnexError(
                    message="no more than 10 at once",
                    error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                    correlation_id=request.correlation_id,
                )
            self._price(request.sku)
            return ModelOrdersOutput(operation=request.operation, correlation_id=request.correlation_id, reserved=True)
        elif request.operation == "cancel":
            return ModelOrdersOutput(operation=request.operation, correlation_id=request.correlation_id)
        raise ModelOnexError(
            message=f"unknown operation {request.operation!r}",
            error_code=EnumCoreErrorCode.INVALID_OPERATION,
            correlation_id=request.correlation_id,
        )

    def _price(self, sku: str) -> float:
        if sku not in PRICES:
            raise ModelOnexError(message=f"no such product {sku!r}", error_code=EnumCoreErrorCode.NOT_FOUND)
        return self._rounded(PRICES[sku])

    def _rounded(self, value: float) -> float:
        return round(value, 2)

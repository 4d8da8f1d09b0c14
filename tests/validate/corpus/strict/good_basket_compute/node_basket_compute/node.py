"""NodeBasketCompute: totals a basket; pure, so no events."""

import asyncio
import time
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal

from omnibase_core.models.compute.model_compute_input import ModelComputeInput
from omnibase_core.models.compute.model_compute_output import ModelComputeOutput
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.nodes.node_service_compute import ModelServiceCompute

from .models import ModelBasketInput, ModelBasketOutput


def basket_total(request: ModelBasketInput) -> int:
    """Sum of the prices minus the discount, rounded half-even to whole cents."""
    subtotal = Decimal(sum(request.prices_cents))
    discounted = subtotal * (Decimal(100) - request.discount_percent) / Decimal(100)
    return int(discounted.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


class NodeBasketCompute(ModelServiceCompute[ModelBasketInput, ModelBasketOutput]):
    """Prices a basket of items."""

    async def process(
        self, input_data: ModelComputeInput[ModelBasketInput]
    ) -> ModelComputeOutput[ModelBasketOutput]:
        """Compute the total; count the computation and time it."""
        started = time.perf_counter()
        total = basket_total(input_data.data)
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        self.increment_counter("basket.computations")
        self.record_histogram("basket.duration_ms", elapsed_ms)
        return ModelComputeOutput(
            result=ModelBasketOutput(total_cents=total),
            operation_id=input_data.operation_id,
            computation_type=input_data.computation_type,
            processing_time_ms=elapsed_ms,
        )

    def get_health_checks(
        self,
    ) -> list[Callable[[], ModelHealthStatus | asyncio.Future[ModelHealthStatus]]]:
        """A known basket must price correctly."""
        return [self._check_known_basket]

    def _check_known_basket(self) -> ModelHealthStatus:
        known = ModelBasketInput(prices_cents=[1000, 500], discount_percent=Decimal(10))
        if basket_total(known) != 1350:
            return ModelHealthStatus.create_unhealthy(score=0.0)
        return ModelHealthStatus.create_healthy(score=1.0)

# Copyright (c) the pricing team.
# This module is hand-maintained: keep the rounding rules in sync with finance.
"""Price computation for the shop."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from omnibase_core.models.compute.model_compute_input import ModelComputeInput
from omnibase_core.models.compute.model_compute_output import ModelComputeOutput
from omnibase_core.nodes.node_service_compute import ModelServiceCompute
from omnibase_core.types.type_serializable_value import SerializedDict

# VAT rates by country; the default applies to everything else.
VAT_RATES: dict[str, str] = {"DE": "0.19", "FR": "0.20"}  # updated 2024-01
DEFAULT_VAT = "0.21"


@functools.lru_cache(maxsize=64)
def vat_rate(country: str) -> Decimal:
    """The VAT rate of ``country`` (cached: the table never changes at run time)."""
    return Decimal(VAT_RATES.get(country, DEFAULT_VAT))


class NodePricingCompute(ModelServiceCompute[SerializedDict, SerializedDict]):
    """Computes gross prices from net prices."""

    # how many decimal places prices keep
    PRECISION = Decimal("0.01")

    @dataclass(frozen=True)
    class Quote:
        """One computed price."""

        net: Decimal
        gross: Decimal

    async def process(
        self, input_data: ModelComputeInput[SerializedDict]
    ) -> ModelComputeOutput[SerializedDict]:
        # the input is {"net": "10.00", "country": "DE"}
        data = input_data.data
        quote = self.quote(Decimal(str(data["net"])), str(data.get("country", "")))
        return ModelComputeOutput[SerializedDict](
            result={"net": str(quote.net), "gross": str(quote.gross)},
            operation_id=input_data.operation_id,
            computation_type=input_data.computation_type,
            processing_time_ms=0.0,
        )

    def quote(self, net: Decimal, country: str) -> NodePricingCompute.Quote:
        gross = (net * (1 + vat_rate(country))).quantize(self.PRECISION, ROUND_HALF_EVEN)
        return self.Quote(net=net, gross=gross)

    @staticmethod
    def describe() -> str:
        return "gross = net * (1 + VAT), rounded half-even"

    # end of the node: anything below is module-level helpers

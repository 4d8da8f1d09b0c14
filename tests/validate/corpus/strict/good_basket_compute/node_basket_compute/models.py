"""Typed input and output of NodeBasketCompute."""

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class ModelBasketInput(BaseModel):
    """Item prices in cents and a discount in percent."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    prices_cents: list[int] = Field(default_factory=list)
    discount_percent: Decimal = Decimal("0")


class ModelBasketOutput(BaseModel):
    """The basket total after the discount."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    total_cents: int

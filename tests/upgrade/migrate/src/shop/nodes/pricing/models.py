"""The pricing node's request and answer."""

from typing import Literal
from uuid import UUID, uuid4

from pydantic import BaseModel, Field


class ModelPricingInput(BaseModel):
    operation: Literal["net", "gross"]
    correlation_id: UUID = Field(default_factory=uuid4)
    amount: float


class ModelPricingOutput(BaseModel):
    operation: str
    correlation_id: UUID
    value: float

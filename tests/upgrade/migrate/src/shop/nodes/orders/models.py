"""The orders node's request and answer (hand-written pydantic models)."""

from typing import Literal
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field


class ModelOrdersInput(BaseModel):
    """A request to the orders node."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    operation: Literal["quote", "reserve", "cancel"]
    correlation_id: UUID = Field(default_factory=uuid4)
    sku: str
    quantity: int = 1


class ModelOrdersOutput(BaseModel):
    """What the orders node answers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    operation: str
    correlation_id: UUID
    total: float = 0.0
    reserved: bool = False

"""Input of NodeSessionsEffect: the operation to run and its arguments."""

from typing import Literal
from uuid import UUID, uuid4

from omnibase_core.enums import EnumEffectType
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from pydantic import ConfigDict, Field


class ModelSessionsInput(ModelEffectInput):
    """Input of NodeSessionsEffect: the operation to run and its arguments."""

    model_config = ConfigDict(extra="forbid")
    effect_type: EnumEffectType = EnumEffectType.API_CALL
    operation: Literal["lookup"] = Field(
        description="Which operation of the node to run."
    )
    correlation_id: UUID = Field(
        default_factory=uuid4,
        description="Correlation id carried into the output, logs and errors.",
    )
    item_id: str = Field(description="Identifier of the item.")
    quantity: int | None = None

"""Output of NodeNotificationsEffect."""

from uuid import UUID, uuid4

from omnibase_core.enums import EnumEffectType, EnumTransactionState
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.types.type_effect_result import EffectResultType
from pydantic import ConfigDict, Field


class ModelNotificationsOutput(ModelEffectOutput):
    """Output of NodeNotificationsEffect."""

    model_config = ConfigDict(extra="forbid")
    result: EffectResultType = Field(
        default_factory=dict,
        description="The declared output fields as plain data (set by the node).",
    )
    operation_id: UUID = Field(
        default_factory=uuid4,
        description="Operation id of the request this output answers.",
    )
    effect_type: EnumEffectType = EnumEffectType.EVENT_EMISSION
    transaction_state: EnumTransactionState = EnumTransactionState.COMMITTED
    processing_time_ms: float = 0.0
    correlation_id: UUID | None = Field(
        default=None, description="Correlation id of the request."
    )
    item_id: str
    accepted: bool

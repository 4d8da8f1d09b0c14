"""Input and output of NodeWidgetsEffect."""

from omnibase_core.enums import EnumEffectType, EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput


class ModelWidgetsInput(ModelEffectInput):
    """A widget to store."""

    effect_type: EnumEffectType = EnumEffectType.DATABASE_OPERATION
    widget_id: str
    label: str


class ModelWidgetsOutput(ModelEffectOutput):
    """The stored widget."""

    effect_type: EnumEffectType = EnumEffectType.DATABASE_OPERATION
    transaction_state: EnumTransactionState = EnumTransactionState.COMMITTED
    processing_time_ms: float = 0.0
    widget_id: str

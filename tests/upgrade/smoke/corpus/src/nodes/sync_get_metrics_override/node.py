"""A service that reports its own metrics (synchronously, as MixinMetrics does)."""

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes.node_service_effect import ModelServiceEffect
from omnibase_core.types.typed_dict_mixin_types import TypedDictMetricEntry


class NodeCounterEffect(ModelServiceEffect):
    """Counts calls."""

    def get_metrics(self) -> dict[str, TypedDictMetricEntry]:
        return super().get_metrics()

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        return ModelEffectOutput(
            result={"counted": True},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

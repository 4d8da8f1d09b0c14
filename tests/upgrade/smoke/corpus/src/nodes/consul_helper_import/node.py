"""Uses consul in a helper only; registers nothing itself."""

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes.node_service_effect import ModelServiceEffect


def consul_version() -> str:
    import consul  # type: ignore[import-untyped]

    return str(getattr(consul, "__version__", "unknown"))


class NodeRegistryEffect(ModelServiceEffect):
    """Answers which consul library is there."""

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        return ModelEffectOutput(
            result={"library": bool(consul_version())},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

"""A directory service with a synchronous cleanup, and consul in its imports."""

from __future__ import annotations

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes.node_service_effect import ModelServiceEffect


def consul_available() -> bool:
    try:
        import consul  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return True


class NodeDirectoryEffect(ModelServiceEffect):
    """Answers who is on call."""

    def cleanup(self) -> None:  # type: ignore[override]
        self.__dict__["closed"] = True

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        return ModelEffectOutput(
            result={"on_call": "nobody", "consul": consul_available()},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

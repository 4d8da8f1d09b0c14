"""Two small nodes that share a module (they were split later)."""

from __future__ import annotations

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.compute.model_compute_input import ModelComputeInput
from omnibase_core.models.compute.model_compute_output import ModelComputeOutput
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes.node_service_compute import ModelServiceCompute
from omnibase_core.nodes.node_service_effect import ModelServiceEffect
from omnibase_core.types.type_serializable_value import SerializedDict

GREETING = "hello"


class Formatter:
    """Not a node: a plain helper class."""

    def greet(self, name: str) -> str:
        return f"{GREETING}, {name}"


class NodeGreetingCompute(ModelServiceCompute[SerializedDict, SerializedDict]):
    """Builds greetings."""

    async def process(
        self, input_data: ModelComputeInput[SerializedDict]
    ) -> ModelComputeOutput[SerializedDict]:
        text = Formatter().greet(str(input_data.data.get("name", "world")))
        return ModelComputeOutput[SerializedDict](
            result={"text": text},
            operation_id=input_data.operation_id,
            computation_type=input_data.computation_type,
            processing_time_ms=0.0,
        )


class NodeGreetingLogEffect(ModelServiceEffect):
    """Remembers who was greeted."""

    greeted: list[str] = []

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        self.greeted.append(str(input_data.model_dump()["operation_data"].get("name", "")))
        return ModelEffectOutput(
            result={"count": len(self.greeted)},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

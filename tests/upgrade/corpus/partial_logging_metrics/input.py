"""Fraud scoring with logging and a counter done by hand."""

from __future__ import annotations

from uuid import UUID

from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.logging.logging_structured import emit_log_event_sync
from omnibase_core.models.compute.model_compute_input import ModelComputeInput
from omnibase_core.models.compute.model_compute_output import ModelComputeOutput
from omnibase_core.nodes.node_service_compute import ModelServiceCompute
from omnibase_core.types.type_serializable_value import SerializedDict

NODE_NAME = "fraud_score"


class NodeFraudScoreCompute(ModelServiceCompute[SerializedDict, SerializedDict]):
    """Scores a payment between 0 (fine) and 1 (fraud)."""

    async def process(
        self, input_data: ModelComputeInput[SerializedDict]
    ) -> ModelComputeOutput[SerializedDict]:
        amount = float(str(input_data.data.get("amount", 0)))
        score = min(1.0, amount / 10_000)
        self.increment_counter("fraud_score.scored")
        if score > 0.8:
            self._emit_log(EnumLogLevel.WARNING, "high fraud score", score=score)
        return ModelComputeOutput[SerializedDict](
            result={"score": score},
            operation_id=input_data.operation_id,
            computation_type=input_data.computation_type,
            processing_time_ms=0.0,
        )

    def _emit_log(
        self, level: EnumLogLevel, message: str, correlation_id: UUID | None = None, **context: object
    ) -> None:
        emit_log_event_sync(level, message, {"node": NODE_NAME, **context})

"""A service that lists its own health checks."""

from collections.abc import Callable

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.nodes.node_service_effect import ModelServiceEffect


class NodeMailerEffect(ModelServiceEffect):
    """Sends mail."""

    def get_health_checks(self) -> list[Callable[[], ModelHealthStatus]]:
        return [self._check_outbox]

    def _check_outbox(self) -> ModelHealthStatus:
        return ModelHealthStatus.create_healthy(score=1.0)

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        return ModelEffectOutput(
            result={"sent": 1},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

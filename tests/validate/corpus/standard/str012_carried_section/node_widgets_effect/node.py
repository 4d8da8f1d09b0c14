"""NodeWidgetsEffect: keeps widget labels in memory."""

import asyncio
from collections.abc import Callable

from omnibase_core.mixins.mixin_event_bus import MixinEventBus
from omnibase_core.mixins.mixin_node_service import MixinNodeService
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.nodes.node_service_effect import ModelServiceEffect

from .models import ModelWidgetsInput, ModelWidgetsOutput

MAX_WIDGETS = 10_000


class NodeWidgetsEffect(ModelServiceEffect):
    """Stores widget labels by id."""

    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)
        self._labels: dict[str, str] = {}

    async def process(self, input_data: ModelEffectInput) -> ModelWidgetsOutput:
        """Store the widget's label."""
        request = ModelWidgetsInput.model_validate(input_data.model_dump())
        self._labels[request.widget_id] = request.label
        self.increment_counter("widgets.stored")
        return ModelWidgetsOutput(
            result={"widget_id": request.widget_id},
            operation_id=request.operation_id,
            widget_id=request.widget_id,
        )

    def get_health_checks(
        self,
    ) -> list[Callable[[], ModelHealthStatus | asyncio.Future[ModelHealthStatus]]]:
        """The store answers."""
        return [self._check_store]

    def _check_store(self) -> ModelHealthStatus:
        """Degraded once the in-memory store is full."""
        if len(self._labels) >= MAX_WIDGETS:
            return ModelHealthStatus.create_degraded(score=0.5)
        return ModelHealthStatus.create_healthy(score=1.0)

    def _log_info(self, message: str, pattern: str | None = None) -> None:
        """Serve MixinNodeService (message) and MixinEventBus (message, pattern)."""
        if pattern is None:
            MixinNodeService._log_info(self, message)
        else:
            MixinEventBus._log_info(self, message, pattern)

    def _log_error(
        self, message: str, pattern: str | None = None, error: BaseException | None = None
    ) -> None:
        """Serve MixinNodeService (message) and MixinEventBus (message, pattern, error=)."""
        if pattern is None:
            MixinNodeService._log_error(self, message if error is None else f"{message}: {error!r}")
        else:
            MixinEventBus._log_error(self, message, pattern, error=error)

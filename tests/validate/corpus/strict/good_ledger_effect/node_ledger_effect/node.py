"""NodeLedgerEffect: the framework's mixins composed by hand instead of ModelServiceEffect."""

import asyncio
import time
from collections.abc import Callable
from typing import Any

from omnibase_core.mixins import MixinEventBus, MixinHealthCheck
from omnibase_core.mixins.mixin_metrics import MixinMetrics
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.nodes import NodeEffect

from .handlers.handler_record_entry import HandlerRecordEntry
from .models.model_ledger_input import ModelLedgerInput
from .models.model_ledger_output import ModelLedgerOutput


class NodeLedgerEffect(NodeEffect, MixinHealthCheck, MixinEventBus[Any, Any], MixinMetrics):
    """Records ledger entries; publishes nothing itself but can (MixinEventBus)."""

    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)
        MixinMetrics.__init__(self)
        self._record_entry = HandlerRecordEntry()
        self._consecutive_failures = 0

    async def process(self, input_data: ModelEffectInput) -> ModelLedgerOutput:
        """Validate the request, run the handler, count and time it."""
        started = time.perf_counter()
        request = ModelLedgerInput.model_validate(input_data.model_dump())
        try:
            output = await self._record_entry.handle(request)
        except Exception:
            self._consecutive_failures += 1
            self.increment_counter("ledger.failures")
            raise
        self._consecutive_failures = 0
        self.increment_counter("ledger.entries")
        self.record_histogram("ledger.duration_ms", (time.perf_counter() - started) * 1000.0)
        return output

    def get_health_checks(
        self,
    ) -> list[Callable[[], ModelHealthStatus | asyncio.Future[ModelHealthStatus]]]:
        """One check: entries are not failing over and over."""
        return [self._check_recent_failures]

    def _check_recent_failures(self) -> ModelHealthStatus:
        if self._consecutive_failures >= 3:
            return ModelHealthStatus.create_degraded(score=0.5)
        return ModelHealthStatus.create_healthy(score=1.0)

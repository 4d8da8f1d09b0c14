"""Health and metrics for every tally handler; the runtime publishes their answers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Generic, TypeVar

from omnibase_core.mixins.mixin_metrics import MixinMetrics
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from pydantic import BaseModel

RequestT = TypeVar("RequestT", bound=BaseModel)
AnswerT = TypeVar("AnswerT", bound=BaseModel)


class CountingHandler(MixinMetrics, ABC, Generic[RequestT, AnswerT]):
    """Counts every operation it runs and reports itself healthy."""

    async def health_check(self) -> ModelHealthStatus:
        """Healthy: the handler depends on nothing."""
        return ModelHealthStatus.create_healthy(score=1.0)

    async def handle(self, request: RequestT) -> AnswerT:
        """Run the operation, counted."""
        self.increment_counter("tally.operations")
        return await self.run(request)

    @abstractmethod
    async def run(self, request: RequestT) -> AnswerT:
        """The operation itself."""

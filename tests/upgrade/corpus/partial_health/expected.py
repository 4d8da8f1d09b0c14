"""Inventory reads, with a hand-written database health check."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from omnibase_core.enums import EnumTransactionState
from omnibase_core.enums.enum_node_lifecycle_status import EnumNodeLifecycleStatus
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.models.health.model_health_issue import ModelHealthIssue
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.nodes.node_service_effect import ModelServiceEffect

_UNHEALTHY_STATES = frozenset(
    {
        EnumNodeLifecycleStatus.FAILED.value,
        EnumNodeLifecycleStatus.CLEANED_UP.value,
        EnumNodeLifecycleStatus.CLEANUP_FAILED.value,
    }
)


class NodeInventoryEffect(ModelServiceEffect):
    """Answers stock levels."""

    stock: dict[str, int] = {}

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        sku = str(input_data.model_dump()["operation_data"].get("sku", ""))
        return ModelEffectOutput(
            result={"sku": sku, "available": self.stock.get(sku, 0)},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

    def get_health_checks(
        self,
    ) -> list[Callable[[], ModelHealthStatus | asyncio.Future[ModelHealthStatus]]]:
        return [
            self._check_database,  # the stock table must be readable
            self._check_self_health,
        ]

    def _check_database(self) -> ModelHealthStatus:
        if self.stock is None:
            return ModelHealthStatus.create_unhealthy(score=0.0)
        return ModelHealthStatus.create_healthy(score=1.0)

    def _check_self_health(self) -> ModelHealthStatus:
        """Healthy while the node's lifecycle is sound."""
        issues: list[ModelHealthIssue] = []
        lifecycle = self.state.get("status", "")
        if lifecycle in _UNHEALTHY_STATES:
            issues.append(
                ModelHealthIssue.create_resource_issue(
                    message=f"node lifecycle status is {lifecycle}", severity="critical"
                )
            )
        if issues:
            return ModelHealthStatus.create_unhealthy(score=0.0, issues=issues)
        return ModelHealthStatus.create_healthy(score=1.0)

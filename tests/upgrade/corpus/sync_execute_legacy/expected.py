"""Unit conversion from the first ONEX prototype: a synchronous entry point."""

import asyncio
from collections.abc import Callable
from typing import Any

from omnibase_core.enums.enum_node_lifecycle_status import EnumNodeLifecycleStatus
from omnibase_core.mixins import MixinHealthCheck
from omnibase_core.models.health.model_health_issue import ModelHealthIssue
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.nodes import NodeCompute

FACTORS = {"km": 1000.0, "m": 1.0, "cm": 0.01}

_UNHEALTHY_STATES = frozenset(
    {
        EnumNodeLifecycleStatus.FAILED.value,
        EnumNodeLifecycleStatus.CLEANED_UP.value,
        EnumNodeLifecycleStatus.CLEANUP_FAILED.value,
    }
)


class NodeUnitsCompute(NodeCompute, MixinHealthCheck):  # type: ignore[type-arg]
    """Converts lengths to metres."""

    def execute_compute(self, contract: Any) -> Any:
        value = float(contract.input_state["value"])
        return {"metres": value * FACTORS[contract.input_state["unit"]]}

    def get_health_checks(
        self,
    ) -> list[Callable[[], ModelHealthStatus | asyncio.Future[ModelHealthStatus]]]:
        """The checks MixinHealthCheck runs: self, then every dependency (not in health check mode)."""
        return [self._check_self_health]

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

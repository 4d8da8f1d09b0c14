"""Bases the platform's services extend."""

from __future__ import annotations

from omnibase_core.nodes import NodeCompute, NodeEffect
from omnibase_core.nodes.node_service_effect import ModelServiceEffect

from acme_platform.tracing import TracingMixin


class PlatformServiceEffect(ModelServiceEffect):
    """Every long-lived effect service of the platform."""

    platform = "acme"

    def describe(self) -> str:
        return f"{self.platform}:{type(self).__name__}"


class PlatformCompute(NodeCompute, TracingMixin):  # type: ignore[type-arg]
    """A compute node with tracing."""


class AsyncMetricsEffect(NodeEffect):
    """Reports its metrics asynchronously (they come from a remote store)."""

    async def get_metrics(self) -> dict[str, float]:
        return {"calls": 0.0}

"""A seed-era reducer: execute_reduction."""

from typing import Any

from omnibase_core.nodes import NodeReducer


class NodeTotalsReducer(NodeReducer):  # type: ignore[type-arg]
    """Totals numbers."""

    async def execute_reduction(self, contract: Any) -> Any:
        return {"total": sum(contract.data)}

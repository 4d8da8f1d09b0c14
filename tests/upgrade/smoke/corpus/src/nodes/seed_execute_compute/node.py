"""A seed-era compute node: async execute_compute."""

from typing import Any

from omnibase_core.nodes import NodeCompute


class NodeTaxCompute(NodeCompute):  # type: ignore[type-arg]
    """Computes tax."""

    async def execute_compute(self, contract: Any) -> Any:  # type: ignore[override]
        return {"tax": contract.data["value"] * 0.2}

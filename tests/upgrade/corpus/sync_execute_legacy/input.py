"""Unit conversion from the first ONEX prototype: a synchronous entry point."""

from typing import Any

from omnibase_core.nodes import NodeCompute

FACTORS = {"km": 1000.0, "m": 1.0, "cm": 0.01}


class NodeUnitsCompute(NodeCompute):  # type: ignore[type-arg]
    """Converts lengths to metres."""

    def execute_compute(self, contract: Any) -> Any:
        value = float(contract.input_state["value"])
        return {"metres": value * FACTORS[contract.input_state["unit"]]}

"""Prices a basket."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from omnibase_core.nodes.node_compute import NodeCompute

if TYPE_CHECKING:
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer


class NodePriceCompute(NodeCompute[Any, Any]):
    """Declarative compute node: behaviour lives in contract.yaml and handlers/."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Initialize the node."""
        super().__init__(container)

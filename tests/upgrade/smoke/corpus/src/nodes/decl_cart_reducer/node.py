"""Folds cart events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from omnibase_core.nodes.node_reducer import NodeReducer

if TYPE_CHECKING:
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer


class NodeCartReducer(NodeReducer[Any, Any]):
    """Declarative reducer node: behaviour lives in contract.yaml and handlers/."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Initialize the node."""
        super().__init__(container)

"""Writes checkpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from omnibase_core.nodes.node_effect import NodeEffect

if TYPE_CHECKING:
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer


class NodeCheckpointEffect(NodeEffect):
    """Declarative effect node: behaviour lives in contract.yaml and handlers/."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Initialize the node."""
        super().__init__(container)

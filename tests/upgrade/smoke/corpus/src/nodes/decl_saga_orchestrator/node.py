"""Starts a saga."""

from __future__ import annotations

from typing import TYPE_CHECKING

from omnibase_core.nodes.node_orchestrator import NodeOrchestrator

if TYPE_CHECKING:
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer


class NodeSagaOrchestrator(NodeOrchestrator):
    """Declarative orchestrator node: behaviour lives in contract.yaml and handlers/."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Initialize the node."""
        super().__init__(container)

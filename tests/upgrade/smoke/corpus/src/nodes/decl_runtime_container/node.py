"""Reads a meter."""

from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.nodes.node_effect import NodeEffect


class NodeMeterEffect(NodeEffect):
    """Declarative effect node: behaviour lives in contract.yaml and handlers/."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Initialize the node."""
        super().__init__(container)

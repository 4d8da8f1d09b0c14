"""NodeTallyEffect: the declarative shell of the tally effect node."""

from __future__ import annotations

from typing import TYPE_CHECKING

from omnibase_core.nodes.node_effect import NodeEffect

if TYPE_CHECKING:
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer


class NodeTallyEffect(NodeEffect):  # expect: STR003, PAT001, PAT002, PAT003
    """Counts the words of a text: all behaviour is in the contract and the handlers."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Declarative: nothing but the framework's own set-up."""
        super().__init__(container)


__all__ = ["NodeTallyEffect"]

"""NodeTallyEffect: the declarative shell of the tally effect node."""

from __future__ import annotations

from typing import TYPE_CHECKING

from omnibase_core.nodes.node_effect import NodeEffect

if TYPE_CHECKING:
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer


class NodeTallyEffect(NodeEffect):
    """Counts the words of a text: all behaviour is in the contract and the handlers."""

    def __init__(self, container: ModelONEXContainer) -> None:  # expect: DCL001
        """Declarative: nothing but the framework's own set-up."""
        print(container)
        super().__init__(container)
        self.words_seen = 0  # expect: DCL001


__all__ = ["NodeTallyEffect"]

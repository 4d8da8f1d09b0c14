"""NodeTallyEffect: the declarative shell of the tally effect node."""

from __future__ import annotations

from typing import TYPE_CHECKING

from omnibase_core.nodes.node_service_effect import ModelServiceEffect

if TYPE_CHECKING:
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer


class NodeTallyEffect(ModelServiceEffect):
    """Counts the words of a text: all behaviour is in the contract and the handlers."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Declarative: nothing but the framework's own set-up."""
        super().__init__(container)

    @property
    def limit(self) -> int:  # expect: DCL001
        return 1_000


__all__ = ["NodeTallyEffect"]

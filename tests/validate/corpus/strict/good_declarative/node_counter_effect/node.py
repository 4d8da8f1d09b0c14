"""NodeCounterEffect: a long-lived service node that is still declarative."""

from __future__ import annotations

from typing import TYPE_CHECKING

from omnibase_core.nodes.node_service_effect import ModelServiceEffect

if TYPE_CHECKING:
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer


class NodeCounterEffect(ModelServiceEffect):
    """Counts the letters of a text; the wrapper base brings the service mixins."""

    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)


__all__ = ["NodeCounterEffect"]

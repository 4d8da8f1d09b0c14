"""Handler that writes checkpoints."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer

logger = logging.getLogger(__name__)


class HandlerCheckpointWrite:
    """Writes checkpoints."""

    def __init__(self, container: ModelONEXContainer) -> None:
        self._container = container
        self._initialized = False

    async def initialize(self, config: dict[str, object]) -> None:
        self._initialized = True

    async def shutdown(self) -> None:
        self._initialized = False

    async def execute(self, envelope: dict[str, object]) -> dict[str, object]:
        """Writes checkpoints."""
        return {"written": envelope["phase"], "ok": self._initialized}

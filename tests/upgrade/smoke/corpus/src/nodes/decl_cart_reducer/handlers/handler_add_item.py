"""Handler that folds cart events."""

from __future__ import annotations

from typing import Any


class HandlerAddItem:
    """Folds cart events."""

    def __init__(self, container: Any = None) -> None:
        super().__init__()
        self._container = container

    async def handle(self, request: dict[str, object]) -> dict[str, object]:
        return {"items": [request["sku"]]}

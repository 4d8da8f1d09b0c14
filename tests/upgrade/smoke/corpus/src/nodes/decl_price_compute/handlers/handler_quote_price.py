"""Handler that prices a basket."""

from __future__ import annotations

from typing import Any


class HandlerQuotePrice:
    """Prices a basket."""

    def __init__(self, container: Any = None) -> None:
        super().__init__()
        self._container = container

    async def handle(self, request: dict[str, object]) -> dict[str, object]:
        return {"total": int(str(request["qty"])) * 3}

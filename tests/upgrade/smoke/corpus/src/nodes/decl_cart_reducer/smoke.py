"""Exercise the handlers the contract routes to."""

from typing import Any

from .handlers.handler_add_item import HandlerAddItem


async def exercise(node: Any) -> object:
    handler = HandlerAddItem()
    return await handler.handle({"sku": "A-1"})

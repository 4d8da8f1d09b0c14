"""Exercise the handlers the contract routes to."""

from typing import Any

from .handlers.handler_read_meter import HandlerReadMeter


async def exercise(node: Any) -> object:
    handler = HandlerReadMeter(node.container)
    await handler.initialize({})
    return await handler.execute({"meter": "m-1"})

"""Exercise the handlers the contract routes to."""

from typing import Any

from .handlers.handler_checkpoint_write import HandlerCheckpointWrite


async def exercise(node: Any) -> object:
    handler = HandlerCheckpointWrite(node.container)
    await handler.initialize({})
    return await handler.execute({"phase": "plan"})

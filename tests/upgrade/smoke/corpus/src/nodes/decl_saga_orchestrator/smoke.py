"""Exercise the handlers the contract routes to."""

from typing import Any

from .handlers.handler_start_saga import HandlerStartSaga


async def exercise(node: Any) -> object:
    handler = HandlerStartSaga(node.container)
    await handler.initialize({})
    return await handler.execute({"order": "o-9"})

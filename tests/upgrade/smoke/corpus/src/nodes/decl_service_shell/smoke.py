"""Exercise the handlers the contract routes to."""

from typing import Any

from .handlers.handler_lend_book import HandlerLendBook


async def exercise(node: Any) -> object:
    handler = HandlerLendBook()
    return await handler.handle({"isbn": "978"})

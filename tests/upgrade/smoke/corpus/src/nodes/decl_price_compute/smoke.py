"""Exercise the handlers the contract routes to."""

from typing import Any

from .handlers.handler_quote_price import HandlerQuotePrice


async def exercise(node: Any) -> object:
    handler = HandlerQuotePrice()
    return await handler.handle({"qty": 4})

"""Operation handlers of NodeShippingQuoteCompute."""

from .handler_lookup import HandlerLookup

__all__ = ["HandlerLookup"]

"""Operation handlers of NodeRateLimitsReducer."""

from .handler_lookup import HandlerLookup

__all__ = ["HandlerLookup"]

"""Operation handlers of NodeSessionsEffect."""

from .handler_lookup import HandlerLookup

__all__ = ["HandlerLookup"]

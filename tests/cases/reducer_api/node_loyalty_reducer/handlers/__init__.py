"""Operation handlers of NodeLoyaltyReducer."""

from .handler_call_remote import HandlerCallRemote

__all__ = ["HandlerCallRemote"]

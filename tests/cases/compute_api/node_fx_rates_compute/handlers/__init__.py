"""Operation handlers of NodeFxRatesCompute."""

from .handler_call_remote import HandlerCallRemote

__all__ = ["HandlerCallRemote"]

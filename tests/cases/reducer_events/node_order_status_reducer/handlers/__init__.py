"""Operation handlers of NodeOrderStatusReducer."""

from .handler_handle_order import HandlerHandleOrder

__all__ = ["HandlerHandleOrder"]

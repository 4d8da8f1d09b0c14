"""Operation handlers of NodeNotificationsEffect."""

from .handler_handle_order import HandlerHandleOrder

__all__ = ["HandlerHandleOrder"]

"""Operation handlers of NodeDispatchOrchestrator."""

from .handler_handle_order import HandlerHandleOrder

__all__ = ["HandlerHandleOrder"]

"""Operation handlers of NodeScoringCompute."""

from .handler_handle_order import HandlerHandleOrder

__all__ = ["HandlerHandleOrder"]

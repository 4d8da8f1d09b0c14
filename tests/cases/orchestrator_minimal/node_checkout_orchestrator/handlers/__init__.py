"""Operation handlers of NodeCheckoutOrchestrator."""

from .handler_run import HandlerRun

__all__ = ["HandlerRun"]

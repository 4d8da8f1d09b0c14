"""Operation handlers of NodeCartReducer."""

from .handler_run import HandlerRun

__all__ = ["HandlerRun"]

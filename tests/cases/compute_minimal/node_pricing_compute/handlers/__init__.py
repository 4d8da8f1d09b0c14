"""Operation handlers of NodePricingCompute."""

from .handler_run import HandlerRun

__all__ = ["HandlerRun"]

"""Operation handlers of NodeRecommendationsCompute."""

from .handler_cancel import HandlerCancel
from .handler_submit import HandlerSubmit

__all__ = ["HandlerCancel", "HandlerSubmit"]

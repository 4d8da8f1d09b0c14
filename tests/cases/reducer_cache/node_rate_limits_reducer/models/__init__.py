"""Typed input and output models of NodeRateLimitsReducer."""

from .model_rate_limits_input import ModelRateLimitsInput
from .model_rate_limits_output import ModelRateLimitsOutput

__all__ = ["ModelRateLimitsInput", "ModelRateLimitsOutput"]

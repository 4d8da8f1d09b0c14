"""The reducer node package node_rate_limits_reducer."""

from .models import ModelRateLimitsInput, ModelRateLimitsOutput
from .node import NodeRateLimitsReducer

__all__ = ["ModelRateLimitsInput", "ModelRateLimitsOutput", "NodeRateLimitsReducer"]

"""Typed input and output models of NodeRecommendationsCompute."""

from .model_recommendations_input import ModelRecommendationsInput
from .model_recommendations_output import ModelRecommendationsOutput

__all__ = ["ModelRecommendationsInput", "ModelRecommendationsOutput"]

"""The compute node package node_recommendations_compute."""

from .models import ModelRecommendationsInput, ModelRecommendationsOutput
from .node import NodeRecommendationsCompute

__all__ = [
    "ModelRecommendationsInput",
    "ModelRecommendationsOutput",
    "NodeRecommendationsCompute",
]

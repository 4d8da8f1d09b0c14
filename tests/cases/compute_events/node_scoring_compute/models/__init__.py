"""Typed input and output models of NodeScoringCompute."""

from .model_scoring_input import ModelScoringInput
from .model_scoring_output import ModelScoringOutput

__all__ = ["ModelScoringInput", "ModelScoringOutput"]

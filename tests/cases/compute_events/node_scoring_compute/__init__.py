"""The compute node package node_scoring_compute."""

from .models import ModelScoringInput, ModelScoringOutput
from .node import NodeScoringCompute

__all__ = ["ModelScoringInput", "ModelScoringOutput", "NodeScoringCompute"]

"""A basket compute node, written by hand: pure, no handlers folder."""

from .models import ModelBasketInput, ModelBasketOutput
from .node import NodeBasketCompute

__all__ = ["ModelBasketInput", "ModelBasketOutput", "NodeBasketCompute"]

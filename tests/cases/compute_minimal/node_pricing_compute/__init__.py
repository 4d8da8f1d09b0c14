"""The compute node package node_pricing_compute."""

from .models import ModelPricingInput, ModelPricingOutput
from .node import NodePricingCompute

__all__ = ["ModelPricingInput", "ModelPricingOutput", "NodePricingCompute"]

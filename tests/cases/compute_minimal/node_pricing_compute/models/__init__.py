"""Typed input and output models of NodePricingCompute."""

from .model_pricing_input import ModelPricingInput
from .model_pricing_output import ModelPricingOutput

__all__ = ["ModelPricingInput", "ModelPricingOutput"]

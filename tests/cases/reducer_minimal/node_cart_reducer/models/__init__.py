"""Typed input and output models of NodeCartReducer."""

from .model_cart_input import ModelCartInput
from .model_cart_output import ModelCartOutput

__all__ = ["ModelCartInput", "ModelCartOutput"]

"""Typed input and output models of NodeCheckoutOrchestrator."""

from .model_checkout_input import ModelCheckoutInput
from .model_checkout_output import ModelCheckoutOutput

__all__ = ["ModelCheckoutInput", "ModelCheckoutOutput"]

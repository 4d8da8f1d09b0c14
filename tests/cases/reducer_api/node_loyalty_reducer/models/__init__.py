"""Typed input and output models of NodeLoyaltyReducer."""

from .model_loyalty_input import ModelLoyaltyInput
from .model_loyalty_output import ModelLoyaltyOutput

__all__ = ["ModelLoyaltyInput", "ModelLoyaltyOutput"]

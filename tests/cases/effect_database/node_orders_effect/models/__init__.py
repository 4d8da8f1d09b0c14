"""Typed input and output models of NodeOrdersEffect."""

from .model_orders_input import ModelOrdersInput
from .model_orders_output import ModelOrdersOutput

__all__ = ["ModelOrdersInput", "ModelOrdersOutput"]

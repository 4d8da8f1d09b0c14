"""Typed input and output models of NodeInventoryReducer."""

from .model_inventory_input import ModelInventoryInput
from .model_inventory_output import ModelInventoryOutput

__all__ = ["ModelInventoryInput", "ModelInventoryOutput"]

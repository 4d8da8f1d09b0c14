"""The reducer node package node_inventory_reducer."""

from .models import ModelInventoryInput, ModelInventoryOutput
from .node import NodeInventoryReducer

__all__ = ["ModelInventoryInput", "ModelInventoryOutput", "NodeInventoryReducer"]

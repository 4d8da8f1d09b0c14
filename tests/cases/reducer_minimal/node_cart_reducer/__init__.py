"""The reducer node package node_cart_reducer."""

from .models import ModelCartInput, ModelCartOutput
from .node import NodeCartReducer

__all__ = ["ModelCartInput", "ModelCartOutput", "NodeCartReducer"]

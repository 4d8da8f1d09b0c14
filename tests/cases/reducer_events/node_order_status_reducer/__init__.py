"""The reducer node package node_order_status_reducer."""

from .models import ModelOrderStatusInput, ModelOrderStatusOutput
from .node import NodeOrderStatusReducer

__all__ = ["ModelOrderStatusInput", "ModelOrderStatusOutput", "NodeOrderStatusReducer"]

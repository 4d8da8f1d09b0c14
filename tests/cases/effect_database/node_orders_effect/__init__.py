"""The effect node package node_orders_effect."""

from .models import ModelOrdersInput, ModelOrdersOutput
from .node import NodeOrdersEffect

__all__ = ["ModelOrdersInput", "ModelOrdersOutput", "NodeOrdersEffect"]

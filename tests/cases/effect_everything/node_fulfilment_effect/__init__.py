"""The effect node package node_fulfilment_effect."""

from .models import ModelFulfilmentInput, ModelFulfilmentOutput
from .node import NodeFulfilmentEffect

__all__ = ["ModelFulfilmentInput", "ModelFulfilmentOutput", "NodeFulfilmentEffect"]

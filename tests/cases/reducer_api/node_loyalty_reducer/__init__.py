"""The reducer node package node_loyalty_reducer."""

from .models import ModelLoyaltyInput, ModelLoyaltyOutput
from .node import NodeLoyaltyReducer

__all__ = ["ModelLoyaltyInput", "ModelLoyaltyOutput", "NodeLoyaltyReducer"]

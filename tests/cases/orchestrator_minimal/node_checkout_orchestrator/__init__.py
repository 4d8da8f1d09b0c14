"""The orchestrator node package node_checkout_orchestrator."""

from .models import ModelCheckoutInput, ModelCheckoutOutput
from .node import NodeCheckoutOrchestrator

__all__ = ["ModelCheckoutInput", "ModelCheckoutOutput", "NodeCheckoutOrchestrator"]

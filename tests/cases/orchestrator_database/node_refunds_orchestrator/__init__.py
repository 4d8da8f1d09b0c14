"""The orchestrator node package node_refunds_orchestrator."""

from .models import ModelRefundsInput, ModelRefundsOutput
from .node import NodeRefundsOrchestrator

__all__ = ["ModelRefundsInput", "ModelRefundsOutput", "NodeRefundsOrchestrator"]

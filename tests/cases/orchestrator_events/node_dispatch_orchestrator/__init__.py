"""The orchestrator node package node_dispatch_orchestrator."""

from .models import ModelDispatchInput, ModelDispatchOutput
from .node import NodeDispatchOrchestrator

__all__ = ["ModelDispatchInput", "ModelDispatchOutput", "NodeDispatchOrchestrator"]

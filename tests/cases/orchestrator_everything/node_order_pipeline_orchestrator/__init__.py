"""The orchestrator node package node_order_pipeline_orchestrator."""

from .models import ModelOrderPipelineInput, ModelOrderPipelineOutput
from .node import NodeOrderPipelineOrchestrator

__all__ = [
    "ModelOrderPipelineInput",
    "ModelOrderPipelineOutput",
    "NodeOrderPipelineOrchestrator",
]

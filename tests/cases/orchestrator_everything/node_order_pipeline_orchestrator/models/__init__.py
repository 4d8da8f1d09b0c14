"""Typed input and output models of NodeOrderPipelineOrchestrator."""

from .model_order_pipeline_input import ModelOrderPipelineInput
from .model_order_pipeline_output import ModelOrderPipelineOutput

__all__ = ["ModelOrderPipelineInput", "ModelOrderPipelineOutput"]

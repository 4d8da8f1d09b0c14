"""Typed input and output models of NodeDispatchOrchestrator."""

from .model_dispatch_input import ModelDispatchInput
from .model_dispatch_output import ModelDispatchOutput

__all__ = ["ModelDispatchInput", "ModelDispatchOutput"]

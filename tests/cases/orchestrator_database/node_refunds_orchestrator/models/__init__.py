"""Typed input and output models of NodeRefundsOrchestrator."""

from .model_refunds_input import ModelRefundsInput
from .model_refunds_output import ModelRefundsOutput

__all__ = ["ModelRefundsInput", "ModelRefundsOutput"]

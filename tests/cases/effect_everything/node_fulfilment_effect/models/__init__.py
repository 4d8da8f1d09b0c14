"""Typed input and output models of NodeFulfilmentEffect."""

from .model_fulfilment_input import ModelFulfilmentInput
from .model_fulfilment_output import ModelFulfilmentOutput

__all__ = ["ModelFulfilmentInput", "ModelFulfilmentOutput"]

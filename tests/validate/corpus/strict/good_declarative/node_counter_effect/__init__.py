"""The counter effect node: a service shell, its entry handler and its models."""

from .handler import CounterOperations
from .models import ModelCounterInput, ModelCounterOutput
from .node import NodeCounterEffect

__all__ = ["CounterOperations", "ModelCounterInput", "ModelCounterOutput", "NodeCounterEffect"]

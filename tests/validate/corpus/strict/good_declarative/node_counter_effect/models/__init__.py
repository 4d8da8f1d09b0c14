"""The request and the answer of the counter node."""

from .model_counter_input import ModelCounterInput
from .model_counter_output import ModelCounterOutput

__all__ = ["ModelCounterInput", "ModelCounterOutput"]

"""The request and the answer of the tally node."""

from .model_tally_input import ModelTallyInput
from .model_tally_output import ModelTallyOutput

__all__ = ["ModelTallyInput", "ModelTallyOutput"]

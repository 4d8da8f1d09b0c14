"""Typed input and output models of NodeFxRatesCompute."""

from .model_fx_rates_input import ModelFxRatesInput
from .model_fx_rates_output import ModelFxRatesOutput

__all__ = ["ModelFxRatesInput", "ModelFxRatesOutput"]

"""Typed input and output models of NodeTaxRatesCompute."""

from .model_tax_rates_input import ModelTaxRatesInput
from .model_tax_rates_output import ModelTaxRatesOutput

__all__ = ["ModelTaxRatesInput", "ModelTaxRatesOutput"]

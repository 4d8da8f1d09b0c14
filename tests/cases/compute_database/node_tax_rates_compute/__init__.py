"""The compute node package node_tax_rates_compute."""

from .models import ModelTaxRatesInput, ModelTaxRatesOutput
from .node import NodeTaxRatesCompute

__all__ = ["ModelTaxRatesInput", "ModelTaxRatesOutput", "NodeTaxRatesCompute"]

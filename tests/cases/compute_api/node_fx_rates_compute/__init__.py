"""The compute node package node_fx_rates_compute."""

from .models import ModelFxRatesInput, ModelFxRatesOutput
from .node import NodeFxRatesCompute

__all__ = ["ModelFxRatesInput", "ModelFxRatesOutput", "NodeFxRatesCompute"]

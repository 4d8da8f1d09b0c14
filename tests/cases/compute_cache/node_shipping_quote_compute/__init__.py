"""The compute node package node_shipping_quote_compute."""

from .models import ModelShippingQuoteInput, ModelShippingQuoteOutput
from .node import NodeShippingQuoteCompute

__all__ = [
    "ModelShippingQuoteInput",
    "ModelShippingQuoteOutput",
    "NodeShippingQuoteCompute",
]

"""Typed input and output models of NodeShippingQuoteCompute."""

from .model_shipping_quote_input import ModelShippingQuoteInput
from .model_shipping_quote_output import ModelShippingQuoteOutput

__all__ = ["ModelShippingQuoteInput", "ModelShippingQuoteOutput"]

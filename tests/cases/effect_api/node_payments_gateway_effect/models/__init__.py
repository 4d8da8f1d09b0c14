"""Typed input and output models of NodePaymentsGatewayEffect."""

from .model_payments_gateway_input import ModelPaymentsGatewayInput
from .model_payments_gateway_output import ModelPaymentsGatewayOutput

__all__ = ["ModelPaymentsGatewayInput", "ModelPaymentsGatewayOutput"]

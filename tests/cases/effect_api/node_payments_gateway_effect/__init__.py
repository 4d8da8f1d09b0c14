"""The effect node package node_payments_gateway_effect."""

from .models import ModelPaymentsGatewayInput, ModelPaymentsGatewayOutput
from .node import NodePaymentsGatewayEffect

__all__ = [
    "ModelPaymentsGatewayInput",
    "ModelPaymentsGatewayOutput",
    "NodePaymentsGatewayEffect",
]

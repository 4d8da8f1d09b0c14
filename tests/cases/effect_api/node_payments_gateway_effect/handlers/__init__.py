"""Operation handlers of NodePaymentsGatewayEffect."""

from .handler_call_remote import HandlerCallRemote

__all__ = ["HandlerCallRemote"]

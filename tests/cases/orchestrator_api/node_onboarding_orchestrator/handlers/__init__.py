"""Operation handlers of NodeOnboardingOrchestrator."""

from .handler_call_remote import HandlerCallRemote

__all__ = ["HandlerCallRemote"]

"""Operation handlers of NodeAuditLogEffect."""

from .handler_run import HandlerRun

__all__ = ["HandlerRun"]

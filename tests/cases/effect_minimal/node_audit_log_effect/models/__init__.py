"""Typed input and output models of NodeAuditLogEffect."""

from .model_audit_log_input import ModelAuditLogInput
from .model_audit_log_output import ModelAuditLogOutput

__all__ = ["ModelAuditLogInput", "ModelAuditLogOutput"]

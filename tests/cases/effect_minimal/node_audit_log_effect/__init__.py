"""The effect node package node_audit_log_effect."""

from .models import ModelAuditLogInput, ModelAuditLogOutput
from .node import NodeAuditLogEffect

__all__ = ["ModelAuditLogInput", "ModelAuditLogOutput", "NodeAuditLogEffect"]

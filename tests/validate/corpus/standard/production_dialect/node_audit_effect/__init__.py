"""Audit effect node, written the way a production repository writes its nodes."""

from acme.nodes.node_audit_effect.node import NodeAuditEffect  # expect: IMP004

__all__ = ["NodeAuditEffect"]

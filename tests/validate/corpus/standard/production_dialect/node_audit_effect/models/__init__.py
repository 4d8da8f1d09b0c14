"""Models of the audit effect node."""

from acme.nodes.node_audit_effect.models.model_audit_input import ModelAuditInput  # expect: IMP004

__all__ = ["ModelAuditInput"]

"""Handlers of the audit effect node."""

from acme.nodes.node_audit_effect.handlers.handler_audit_write import HandlerAuditWrite  # expect: IMP004

__all__ = ["HandlerAuditWrite"]

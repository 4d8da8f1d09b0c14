"""Declarative EFFECT node for audit records: behaviour in contract.yaml and handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from omnibase_core.nodes.node_effect import NodeEffect

if TYPE_CHECKING:
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer


class NodeAuditEffect(NodeEffect):  # expect: PAT001, PAT002, PAT003
    """Declarative effect node for audit records.

    Handlers:
        - ``HandlerAuditWrite``: appends one audit record.
    """

    def __init__(self, container: ModelONEXContainer) -> None:
        """Initialize the audit effect node."""
        super().__init__(container)

"""Survey workflow orchestrator - declarative workflow coordinator.

Coordinates the survey workflow:
    1. Receive the survey command
    2. Dispatch the survey read effect
    3. Emit the completion event

All workflow logic is driven by contract.yaml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from omnibase_core.nodes.node_orchestrator import NodeOrchestrator

if TYPE_CHECKING:
    from omnibase_core.models.container import ModelONEXContainer


class NodeSurveyWorkflowOrchestrator(NodeOrchestrator):  # expect: PAT001, PAT002
    """Declarative orchestrator for the survey workflow.

    All behaviour is defined in contract.yaml - no custom logic here.
    """

    def __init__(self, container: ModelONEXContainer) -> None:
        """Initialize with container dependency injection."""
        super().__init__(container)


__all__ = ["NodeSurveyWorkflowOrchestrator"]

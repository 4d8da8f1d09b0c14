"""A seed-era orchestrator: execute_orchestration."""

from typing import Any

from omnibase_core.nodes import NodeOrchestrator


class NodeRolloutOrchestrator(NodeOrchestrator):
    """Rolls out a release."""

    async def execute_orchestration(self, contract: Any) -> Any:
        return {"workflow": str(contract.workflow_id), "steps": len(contract.steps)}

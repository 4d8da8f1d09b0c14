"""From the first ONEX prototype: an effect with execute_effect."""

from typing import Any

from omnibase_core.nodes import NodeEffect


class NodeArchiveEffect(NodeEffect):
    """Archives records."""

    async def execute_effect(self, contract: Any) -> Any:  # type: ignore[override]
        return {"archived": contract.operation_data["item"]}

"""Keeps a cache on the node."""

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.nodes import NodeEffect

from shop.nodes.refusals.models import ModelAnswer, ModelRequest


class NodeCacheEffect(NodeEffect):
    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)
        self._seen: set[str] = set()

    async def process(self, request: ModelRequest) -> ModelAnswer:
        if request.operation == "see":
            return ModelAnswer(operation="see")
        raise ModelOnexError(message="unknown", error_code=EnumCoreErrorCode.INVALID_OPERATION)

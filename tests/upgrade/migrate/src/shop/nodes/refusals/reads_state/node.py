"""An operation reads the node's container."""

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.nodes import NodeEffect

from shop.nodes.refusals.models import ModelAnswer, ModelRequest


class NodeConfigEffect(NodeEffect):
    async def process(self, request: ModelRequest) -> ModelAnswer:
        if request.operation == "read":
            return ModelAnswer(operation=str(self.container is not None))
        raise ModelOnexError(message="unknown", error_code=EnumCoreErrorCode.INVALID_OPERATION)

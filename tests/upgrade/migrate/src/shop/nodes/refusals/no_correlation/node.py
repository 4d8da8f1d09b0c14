"""Its request model has no correlation id."""

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.nodes import NodeEffect

from shop.nodes.refusals.models import ModelAnswer, ModelBareRequest


class NodeBareEffect(NodeEffect):
    async def process(self, request: ModelBareRequest) -> ModelAnswer:
        if request.operation == "ping":
            return ModelAnswer(operation="ping")
        raise ModelOnexError(message="unknown", error_code=EnumCoreErrorCode.INVALID_OPERATION)

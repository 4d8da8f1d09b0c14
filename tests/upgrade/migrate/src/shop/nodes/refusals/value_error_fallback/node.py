"""Answers an unknown operation with ValueError."""

from omnibase_core.nodes import NodeEffect

from shop.nodes.refusals.models import ModelAnswer, ModelRequest


class NodeStrictEffect(NodeEffect):
    async def process(self, request: ModelRequest) -> ModelAnswer:
        if request.operation == "go":
            return ModelAnswer(operation="go")
        raise ValueError(f"unknown operation {request.operation}")

"""TallyOperations: the entry handler of NodeTallyEffect (handler_routing.default_handler)."""

from .handlers import HandlerCountWords
from .models import ModelTallyInput, ModelTallyOutput


class TallyOperations:
    """Routes every request to the handler of its operation (there is one)."""

    async def handle(self, request: ModelTallyInput) -> ModelTallyOutput:
        """count_words is the only operation."""
        return await HandlerCountWords().handle(request)

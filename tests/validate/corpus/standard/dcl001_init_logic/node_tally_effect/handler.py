"""TallyOperations: the entry handler of NodeTallyEffect (handler_routing.default_handler)."""

from tally_support.handlers import CountingHandler

from .handlers import HandlerCountWords
from .models import ModelTallyInput, ModelTallyOutput


class TallyOperations(CountingHandler[ModelTallyInput, ModelTallyOutput]):
    """Routes every request to the handler of its operation (there is one)."""

    async def run(self, request: ModelTallyInput) -> ModelTallyOutput:
        """count_words is the only operation."""
        return await HandlerCountWords().handle(request)

"""CounterOperations: the entry handler of NodeCounterEffect (handler_routing.default_handler)."""

from tally_support.handlers import CountingHandler

from .handlers import HandlerCountLetters
from .models import ModelCounterInput, ModelCounterOutput


class CounterOperations(CountingHandler[ModelCounterInput, ModelCounterOutput]):
    """The node's one operation, for callers that hold a single handler."""

    async def run(self, request: ModelCounterInput) -> ModelCounterOutput:
        """count_letters is the only operation."""
        return await HandlerCountLetters().handle(request)

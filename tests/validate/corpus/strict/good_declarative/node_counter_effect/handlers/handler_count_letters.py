"""Handler of the count_letters operation of NodeCounterEffect."""

from tally_support.handlers import CountingHandler

from ..models import ModelCounterInput, ModelCounterOutput


class HandlerCountLetters(CountingHandler[ModelCounterInput, ModelCounterOutput]):
    """Letters are what str.isalpha says they are."""

    async def run(self, request: ModelCounterInput) -> ModelCounterOutput:
        """Count the alphabetic characters."""
        return ModelCounterOutput(letters=sum(1 for char in request.text if char.isalpha()))

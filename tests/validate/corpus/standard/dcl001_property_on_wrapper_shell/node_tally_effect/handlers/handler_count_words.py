"""Handler of the count_words operation of NodeTallyEffect."""

from tally_support.handlers import CountingHandler

from ..models import ModelTallyInput, ModelTallyOutput


class HandlerCountWords(CountingHandler[ModelTallyInput, ModelTallyOutput]):
    """Words are separated by white space."""

    async def run(self, request: ModelTallyInput) -> ModelTallyOutput:
        """Split on white space and count."""
        return ModelTallyOutput(words=len(request.text.split()))

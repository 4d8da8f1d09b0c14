"""Handler of the count_words operation of NodeTallyEffect."""

from ..models import ModelTallyInput, ModelTallyOutput


class HandlerCountWords:
    """Words are separated by white space."""

    async def handle(self, request: ModelTallyInput) -> ModelTallyOutput:
        """Split on white space and count."""
        return ModelTallyOutput(words=len(request.text.split()))

"""Handler of the count_words operation of NodeTallyEffect."""

from tally_support.handlers import CountingHandler

from acme.errors import TallyError  # expect: IMP004
from acme.nodes.node_tally_effect.models import ModelTallyInput, ModelTallyOutput  # expect: IMP004


class HandlerCountWords(CountingHandler[ModelTallyInput, ModelTallyOutput]):
    """Words are separated by white space."""

    async def run(self, request: ModelTallyInput) -> ModelTallyOutput:
        """Split on white space and count."""
        if not request.text:
            raise TallyError("nothing to count")
        return ModelTallyOutput(words=len(request.text.split()))

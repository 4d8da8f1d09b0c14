"""The answer of the tally node."""

from pydantic import BaseModel, ConfigDict


class ModelTallyOutput(BaseModel):
    """How many words the text had."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    words: int = 0

"""The answer of the counter node."""

from pydantic import BaseModel, ConfigDict


class ModelCounterOutput(BaseModel):
    """How many letters the text had."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    letters: int = 0

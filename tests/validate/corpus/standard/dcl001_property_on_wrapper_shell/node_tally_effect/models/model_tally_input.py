"""The request of the tally node."""

from typing import Literal

from pydantic import BaseModel, ConfigDict


class ModelTallyInput(BaseModel):
    """A text to count the words of."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    operation: Literal["count_words"] = "count_words"
    text: str = ""

"""The request of the counter node."""

from typing import Literal

from pydantic import BaseModel, ConfigDict


class ModelCounterInput(BaseModel):
    """A text to count the letters of."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    operation: Literal["count_letters"] = "count_letters"
    text: str = ""

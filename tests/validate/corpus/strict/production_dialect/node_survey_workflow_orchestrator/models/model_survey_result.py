"""Final result of the survey workflow."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict


class ModelSurveyResult(BaseModel):
    """How many answers the survey had."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    correlation_id: UUID
    answers: int

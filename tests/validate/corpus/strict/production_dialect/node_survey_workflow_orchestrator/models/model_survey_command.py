"""Command that starts the survey workflow."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict


class ModelSurveyCommand(BaseModel):
    """Which survey to read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    correlation_id: UUID
    survey: str

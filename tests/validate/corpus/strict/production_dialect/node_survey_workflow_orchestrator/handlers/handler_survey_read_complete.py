"""Handler for the survey read: emits the workflow's result."""

from __future__ import annotations

from acme.nodes.node_survey_read_effect.models.model_survey_read import ModelSurveyRead  # expect: IMP004
from acme.nodes.node_survey_workflow_orchestrator.models.model_survey_result import (  # expect: IMP004
    ModelSurveyResult,
)


class HandlerSurveyReadComplete:
    """Translates the read's outcome into the final result."""

    def __init__(self) -> None:
        """Initialize the handler (stateless)."""

    async def handle(self, read: ModelSurveyRead) -> ModelSurveyResult:
        """The result of the workflow."""
        return ModelSurveyResult(correlation_id=read.correlation_id, answers=read.answers)

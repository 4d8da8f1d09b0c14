"""Handler for the survey command: asks the read effect for the survey.

No-argument constructor, as the runtime's auto-wiring requires.
"""

from __future__ import annotations

import logging

from acme.nodes.node_survey_workflow_orchestrator.models.model_survey_command import (  # expect: IMP004
    ModelSurveyCommand,
)

logger = logging.getLogger(__name__)


class HandlerSurveyStart:
    """Turns the command into the read request's payload."""

    def __init__(self) -> None:
        """Initialize the handler (stateless)."""

    async def handle(self, command: ModelSurveyCommand) -> dict[str, object]:
        """The read request for the command's survey."""
        logger.info("Survey started: correlation_id=%s", command.correlation_id)
        return {"correlation_id": str(command.correlation_id), "survey": command.survey}

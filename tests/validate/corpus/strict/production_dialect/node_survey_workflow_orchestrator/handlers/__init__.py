"""Handlers of the survey workflow."""

from acme.nodes.node_survey_workflow_orchestrator.handlers.handler_survey_read_complete import (  # expect: IMP004
    HandlerSurveyReadComplete,
)
from acme.nodes.node_survey_workflow_orchestrator.handlers.handler_survey_start import (  # expect: IMP004
    HandlerSurveyStart,
)

__all__ = ["HandlerSurveyReadComplete", "HandlerSurveyStart"]

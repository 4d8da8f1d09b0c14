"""Models of the survey workflow."""

from acme.nodes.node_survey_workflow_orchestrator.models.model_survey_command import (  # expect: IMP004
    ModelSurveyCommand,
)
from acme.nodes.node_survey_workflow_orchestrator.models.model_survey_result import (  # expect: IMP004
    ModelSurveyResult,
)

__all__ = ["ModelSurveyCommand", "ModelSurveyResult"]

"""Survey workflow orchestrator: a declarative coordinator (a production repository's dialect)."""

from acme.nodes.node_survey_workflow_orchestrator.node import NodeSurveyWorkflowOrchestrator  # expect: IMP004

__all__ = ["NodeSurveyWorkflowOrchestrator"]

"""The orchestrator node package node_onboarding_orchestrator."""

from .models import ModelOnboardingInput, ModelOnboardingOutput
from .node import NodeOnboardingOrchestrator

__all__ = [
    "ModelOnboardingInput",
    "ModelOnboardingOutput",
    "NodeOnboardingOrchestrator",
]

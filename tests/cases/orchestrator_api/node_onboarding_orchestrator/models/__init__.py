"""Typed input and output models of NodeOnboardingOrchestrator."""

from .model_onboarding_input import ModelOnboardingInput
from .model_onboarding_output import ModelOnboardingOutput

__all__ = ["ModelOnboardingInput", "ModelOnboardingOutput"]

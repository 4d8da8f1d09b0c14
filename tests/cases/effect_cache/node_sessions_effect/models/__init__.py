"""Typed input and output models of NodeSessionsEffect."""

from .model_sessions_input import ModelSessionsInput
from .model_sessions_output import ModelSessionsOutput

__all__ = ["ModelSessionsInput", "ModelSessionsOutput"]

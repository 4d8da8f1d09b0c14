"""The effect node package node_sessions_effect."""

from .models import ModelSessionsInput, ModelSessionsOutput
from .node import NodeSessionsEffect

__all__ = ["ModelSessionsInput", "ModelSessionsOutput", "NodeSessionsEffect"]

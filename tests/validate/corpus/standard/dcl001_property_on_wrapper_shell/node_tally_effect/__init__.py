"""The tally effect node: a declarative shell, its entry handler and its models."""

from .handler import TallyOperations
from .models import ModelTallyInput, ModelTallyOutput
from .node import NodeTallyEffect

__all__ = ["ModelTallyInput", "ModelTallyOutput", "NodeTallyEffect", "TallyOperations"]

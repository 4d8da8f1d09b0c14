"""The effect node package node_notifications_effect."""

from .models import ModelNotificationsInput, ModelNotificationsOutput
from .node import NodeNotificationsEffect

__all__ = [
    "ModelNotificationsInput",
    "ModelNotificationsOutput",
    "NodeNotificationsEffect",
]

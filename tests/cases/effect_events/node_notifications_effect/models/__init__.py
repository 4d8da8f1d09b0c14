"""Typed input and output models of NodeNotificationsEffect."""

from .model_notifications_input import ModelNotificationsInput
from .model_notifications_output import ModelNotificationsOutput

__all__ = ["ModelNotificationsInput", "ModelNotificationsOutput"]

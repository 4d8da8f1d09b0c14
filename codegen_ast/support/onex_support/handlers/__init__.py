"""Handler base classes: one operation, its router, a reducer transition, a reducer
fold, a saga, a consumed event, the discovery requests."""

from onex_support.handlers.discovery import DiscoveryHandler
from onex_support.handlers.event import EventHandler
from onex_support.handlers.fold import FoldHandler
from onex_support.handlers.operation import (
    OperationHandler,
    OperationRequest,
    OperationRouter,
)
from onex_support.handlers.saga import SagaHandler
from onex_support.handlers.transition import StateHandler, TransitionHandler

__all__ = [
    "DiscoveryHandler",
    "EventHandler",
    "FoldHandler",
    "OperationHandler",
    "OperationRequest",
    "OperationRouter",
    "SagaHandler",
    "StateHandler",
    "TransitionHandler",
]

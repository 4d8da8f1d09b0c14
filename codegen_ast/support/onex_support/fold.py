"""The resources of a reducer that folds each request into its previous answer
(one with no state machine): the answer reduced so far, and the lock that lets
one fold at a time read and replace it."""

import asyncio

from pydantic import BaseModel

from onex_support.events import EventPublisher
from onex_support.resources import NodeResources, Resource
from onex_support.values import Maybe

__all__ = ["FoldResources"]


class FoldResources(NodeResources):
    """The node's resources plus ``reduced``: the answer of its last successful
    operation under ``STATE`` (empty before the first), kept in this process for
    as long as the resources live (one instance per event loop: a new run starts
    from nothing). A ``cache`` attribute (an AnswerCache), when the node caches,
    answers a fold already computed for the same request and the same state."""

    STATE = "state"

    def __init__(
        self,
        node: str,
        *resources: Resource,
        publisher: Maybe[EventPublisher] = None,
    ) -> None:
        super().__init__(node, *resources, publisher=publisher)
        self.reduced: dict[str, BaseModel] = {}
        self.folding = asyncio.Lock()

"""The resources of a reducer that folds each request into its previous answer
(one with no state machine): the answer reduced so far, and the lock that lets
one fold at a time read and replace it."""

import asyncio
from typing import TYPE_CHECKING

from pydantic import BaseModel

from onex_support.resources import NodeResources, Resource

if TYPE_CHECKING:  # onex_support.cache imports the handlers, which import this
    from onex_support.cache import AnswerCache

__all__ = ["FoldResources"]


class FoldResources(NodeResources):
    """The node's resources plus ``reduced``: the answer of its last successful
    operation (None before the first), kept in this process for as long as the
    resources live (one instance per event loop: a new run starts from None).
    ``cache``, when the node caches, answers a fold already computed for the
    same request and the same reduced state."""

    cache: "AnswerCache | None" = None

    def __init__(self, node: str, *resources: Resource) -> None:
        super().__init__(node, *resources)
        self.reduced: BaseModel | None = None
        self.folding = asyncio.Lock()

"""The handler base of a reducer operation with no state machine: the request
folded into the answer reduced so far."""

from abc import abstractmethod
from typing import Any, TypeVar

from onex_support.fold import FoldResources
from onex_support.handlers.operation import AnswerT, OperationHandler, RequestT

__all__ = ["FoldHandler"]

FoldResourcesT = TypeVar("FoldResourcesT", bound=FoldResources)


class FoldHandler(OperationHandler[RequestT, AnswerT, FoldResourcesT]):
    """A reducer operation: ``fold(request, state)`` answers from the request and
    the node's previous answer (``state``, None before the first; the declared
    formulas read it, e.g. ``total + amount``), and its answer becomes the state
    the next operation folds into. One fold at a time per node; a failed fold
    leaves the state as it was.

    With ``cached`` the answer is looked up cache-aside under the request's
    declared fields *and* the state's (a running total depends on both), and a hit
    becomes the new state exactly as a computed answer does."""

    answer_type: type[AnswerT]
    cached: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "operation" in cls.__dict__ and not isinstance(
            getattr(cls, "answer_type", None), type
        ):
            raise ValueError(
                f"{cls.__name__}: declare its answer_type (the model the state is)"
            )

    async def run(self, request: RequestT, resources: FoldResourcesT) -> AnswerT:
        """``fold``'s answer (through the node's cache when the operation is cached),
        which becomes the state."""
        from onex_support.cache import AnswerCache  # it imports the handlers

        async with resources.folding:
            reduced = resources.reduced.get(resources.STATE)
            state = reduced if isinstance(reduced, self.answer_type) else None
            cache = getattr(resources, "cache", None)
            if not self.cached or not isinstance(cache, AnswerCache):
                answer = await self.fold(request, state)
            else:
                answer = await self._cached(cache, request, state, resources)
            resources.reduced[resources.STATE] = answer
        return answer

    async def _cached(
        self, cache: Any, request: RequestT, state: Any, resources: FoldResourcesT
    ) -> AnswerT:
        fields: dict[str, object] = {
            "request": self.declared_fields(request),
            "state": None if state is None else self.state_fields(state),
        }
        answer: AnswerT = await cache.answer(
            request,
            fields,
            self.answer_type,
            lambda: self.fold(request, state),
            resources,
        )
        return answer

    @staticmethod
    def state_fields(state: AnswerT) -> dict[str, object]:
        """The state's declared fields (not the ids of the request that made it)."""
        return state.model_dump(mode="json", exclude={"operation", "correlation_id"})

    @abstractmethod
    async def fold(self, request: RequestT, state: Any) -> AnswerT:
        """The answer to ``request`` given the answer reduced so far (an
        ``answer_type``, or None before the first: subclasses annotate it so)."""

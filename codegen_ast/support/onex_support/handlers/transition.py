"""The handler base of a reducer operation: a transition of the contract's state
machine, for one entity."""

from abc import abstractmethod
from typing import Any, TypeVar

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.types.type_fsm_context import FSMContextType

from onex_support.errors import onex_error
from onex_support.events import DeclaredEvent, publish_event
from onex_support.fsm import ReducerResources, Transition
from onex_support.handlers.operation import AnswerT, OperationHandler, RequestT

__all__ = ["StateHandler", "TransitionHandler"]

# the entity key of a reducer that declares none: one state for the whole node
NODE_WIDE_KEY = "node"

ReducerResourcesT = TypeVar("ReducerResourcesT", bound=ReducerResources)


class TransitionHandler(OperationHandler[RequestT, AnswerT, ReducerResourcesT]):
    """A reducer operation: the transition whose trigger is ``trigger`` (by default
    the operation itself), taken by the entity the request names (``entity_key``:
    the request field holding its key; None for one state per node), then the
    answer, then the new state stored, then, outside the entity's lock, the
    transition event (``transition_event``; None: the node declares none, and
    publishes none)."""

    transition_event: DeclaredEvent | None
    entity_key: str | None
    trigger: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A class that names its operation declares its event and entity key."""
        super().__init_subclass__(**kwargs)
        if "operation" in cls.__dict__:
            event = getattr(cls, "transition_event", False)
            if event is not None and not isinstance(event, DeclaredEvent):
                raise ValueError(
                    f"{cls.__name__}: declare its transition_event (None: none)"
                )
            if "trigger" not in cls.__dict__:
                cls.trigger = cls.operation
            if not hasattr(cls, "entity_key"):
                raise ValueError(
                    f"{cls.__name__}: declare its entity_key (the request field "
                    "naming the entity, or None for one state per node)"
                )

    async def run(self, request: RequestT, resources: ReducerResourcesT) -> AnswerT:
        machine = resources.state_machine
        key = self.key_of(request)
        async with machine.locked(key):
            transition = await machine.transition(
                key, self.trigger, self.context(request), request.correlation_id
            )
            answer = await self.reduce(request, transition)
            self._check_consistent(request, answer, transition)
            await machine.commit(transition, request.correlation_id)
        if self.transition_event is None:
            return answer
        await publish_event(
            self.event_bus,
            self.transition_event,
            {
                "entity_key": transition.key,
                "trigger": transition.trigger,
                "from_state": transition.from_state,
                "to_state": transition.to_state,
                "version": transition.version,
            },
            request.correlation_id,
            resources,
            key=transition.key,
        )
        return answer

    def key_of(self, request: RequestT) -> str:
        """The entity's key: the declared request field (VALIDATION_ERROR when
        empty), or NODE_WIDE_KEY for a reducer that declares none."""
        if self.entity_key is None:
            return NODE_WIDE_KEY
        value = self.declared_fields(request).get(self.entity_key)
        if value is None or str(value).strip() == "":
            raise onex_error(
                f"operation {self.operation!r} needs {self.entity_key}: the key of "
                "the entity whose state it changes",
                EnumCoreErrorCode.VALIDATION_ERROR,
                request.correlation_id,
                field=self.entity_key,
            )
        return str(value)

    def context(self, request: RequestT) -> FSMContextType:
        """What the transition's conditions read: the request's declared fields."""
        return self.declared_fields(request)

    def _check_consistent(
        self, request: RequestT, answer: AnswerT, transition: Transition
    ) -> None:
        """An answer that reports a state reports the one reached."""
        reported = getattr(answer, "state", transition.to_state)
        if reported != transition.to_state:
            raise onex_error(
                f"operation {self.operation!r} answered state {reported!r} but the "
                f"entity reached {transition.to_state!r}",
                EnumCoreErrorCode.CONTRACT_VIOLATION,
                request.correlation_id,
                state=transition.to_state,
            )

    @abstractmethod
    async def reduce(self, request: RequestT, transition: Transition) -> AnswerT:
        """The answer, given the transition taken (its ``to_state`` is the state
        the answer reports)."""


class StateHandler(TransitionHandler[RequestT, AnswerT, ReducerResourcesT]):
    """An operation of a state-machine reducer that fires no trigger: it answers the
    entity's state (the one reached and the one left are the same), moves nothing and
    publishes nothing."""

    async def run(self, request: RequestT, resources: ReducerResourcesT) -> AnswerT:
        machine = resources.state_machine
        key = self.key_of(request)
        async with machine.locked(key):
            current = await machine.state_of(key)
            here = Transition(key, "", current.state, current.state, "", current.version)
            return await self.reduce(request, here)

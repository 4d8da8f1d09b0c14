"""What a node does beyond its operations: a state machine, events, a cache, a variant."""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from codegen_ast.spec.checks import (
    MAX_EVENTS,
    MAX_STATES,
    MAX_TRANSITIONS,
    check_event_type,
    check_snake_case,
    check_topic,
)


def trigger_of(routed: str, triggers: Collection[str]) -> str | None:
    """The trigger of a state machine an operation routed as ``routed`` fires: the one
    it names (``waive``), else the last part of a dotted name or topic pattern, its
    wildcards left out and dashes read as underscores (``artifact.create_plan`` and
    ``onex.evt.builds.create-plan.*`` fire ``create_plan``); None when it fires none."""
    if routed in triggers:
        return routed
    parts = [part for part in routed.split(".") if part not in ("*", "#", ">")]
    if len(parts) < 2 and parts == routed.split("."):
        return None
    last = parts[-1].replace("-", "_") if parts else ""
    return last if last in triggers else None


class TransitionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    source: str = Field(alias="from")
    target: str = Field(alias="to")
    trigger: str
    description: str = ""
    conditions: list[Any] = Field(default_factory=list)  # as declared: {expression, required} or text
    actions: list[Any] = Field(default_factory=list)  # as declared: {action_name, action_type} or names


class StateMachineSpec(BaseModel):
    """A reducer's states and the operations (triggers) that move between them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    initial_state: str
    states: Annotated[list[str], Field(max_length=MAX_STATES)]
    transitions: Annotated[list[TransitionSpec], Field(min_length=1, max_length=MAX_TRANSITIONS)]
    persist: bool = False  # emit the framework's persist_state intent on every transition
    terminal_states: list[str] = Field(default_factory=list)  # states no transition leaves
    name: str | None = None  # state_machine_name as declared
    state_details: list[Any] = Field(default_factory=list)  # the declared states as written (entry/exit actions, ...)

    @field_validator("states")
    @classmethod
    def _check_states(cls, value: list[str]) -> list[str]:
        for state in value:
            check_snake_case(state, "state")
        if len(set(value)) != len(value):
            raise ValueError("a state is declared twice: remove one")
        return value

    @model_validator(mode="after")
    def _check_references(self) -> StateMachineSpec:
        seen: set[tuple[str, str]] = set()
        for transition in self.transitions:
            if (transition.source, transition.trigger) in seen:
                raise ValueError(
                    f"two transitions leave {transition.source!r} on {transition.trigger!r}: keep one"
                )
            seen.add((transition.source, transition.trigger))
        if self.initial_state not in self.states:
            raise ValueError(f"initial_state {self.initial_state!r} is not one of the states: add it to states")
        for transition in self.transitions:
            for state in (transition.source, transition.target):
                if state not in self.states:
                    raise ValueError(f"transition {transition.trigger!r} uses the undeclared state {state!r}: add it to states")
        for state in self.terminal_states:
            if state not in self.states:
                raise ValueError(f"terminal state {state!r} is not one of the states: add it to states")
        return self

    @property
    def triggers(self) -> list[str]:
        return list(dict.fromkeys(t.trigger for t in self.transitions))


class _EventSpec(BaseModel):
    """What every declared event has: its type and the topic it travels on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: str
    topic: str | None = None  # default: ONEX_EVENTS_TOPIC

    @field_validator("event_type")
    @classmethod
    def _check_type(cls, value: str) -> str:
        return check_event_type(value)

    @field_validator("topic")
    @classmethod
    def _check_topic(cls, value: str | None) -> str | None:
        return check_topic(value)


class SubscribedEventSpec(_EventSpec):
    """An event the node consumes: its payload becomes the request of ``operation``."""

    operation: str  # the declared operation the event triggers
    fields: list[str] | None = None  # input fields the payload carries; default: all


class PublishedEventSpec(_EventSpec):
    """An event the node emits after an operation succeeds; the payload is the operation's output fields."""

    after: list[str] | None = None  # operations that emit it; default: all


class EventsSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    subscribes: list[SubscribedEventSpec] = Field(default_factory=list, max_length=MAX_EVENTS)
    publishes: list[PublishedEventSpec] = Field(default_factory=list, max_length=MAX_EVENTS)

    @model_validator(mode="after")
    def _unique(self) -> EventsSpec:
        for what, items in (("subscribes", self.subscribes), ("publishes", self.publishes)):
            types = [item.event_type for item in items]
            for event_type in types:
                if types.count(event_type) > 1:
                    raise ValueError(f"{what}: event type {event_type!r} is declared twice: keep one")
        return self


class CacheSpec(BaseModel):
    """Cache-aside for Compute and Reducer nodes: the answer to an identical request is reused for ``ttl_s``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ttl_s: Annotated[int, Field(gt=0, le=30 * 24 * 3600)] = 300
    operations: list[str] | None = None  # default: all


# variant (seed 6.1) -> the node type it is for; the profiles live in codegen_ast.profiles
VARIANT_NODE_TYPES: dict[str, str] = {
    "database": "effect", "api": "effect", "kafka": "effect",
    "ml": "compute", "analytics": "reducer", "workflow": "orchestrator",
}
VARIANTS: tuple[str, ...] = tuple(VARIANT_NODE_TYPES)

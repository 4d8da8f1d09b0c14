"""What a production pattern is: a name, when it applies, what it builds.

Each feature package declares its pattern as one :class:`Pattern` record;
:mod:`codegen_ast.patterns.registry` lists them in the order they are applied
and assembled. The selector asks every record whether it ``applies`` to a spec
(and why); ``generate`` asks each chosen record to ``build`` its
:class:`Contribution`; ``codegen-ast patterns`` and ``explain`` print them;
``upgrade`` offers the records marked ``upgradable``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from codegen_ast.decisions import Selection
from codegen_ast.patterns.contribution import Contribution, ErrorMapping, LifecycleStep, NodeContext
from codegen_ast.spec import NodeSpec


class PatternName(StrEnum):
    """Every production pattern, in the order the registry applies them."""

    LOGGING = "logging"
    HEALTH_CHECK_MODE = "health_check_mode"
    POSTGRES = "postgres"
    REDIS = "redis"
    HTTP = "http"
    KAFKA = "kafka"
    CRUD = "crud"
    CIRCUIT_BREAKER = "circuit_breaker"
    CONSUL = "consul"
    CACHING = "caching"
    EVENTS = "events"
    TRANSITION_EVENTS = "transition_events"
    EVENT_HANDLERS = "event_handlers"
    DISCOVERY = "discovery"
    HTTP_ENDPOINTS = "http_endpoints"
    WORKFLOW = "workflow"
    LIFECYCLE = "lifecycle"
    ROUTING = "routing"
    ERRORS = "errors"
    METRICS = "metrics"
    HEALTH = "health"
    PUBLISH_EVENT_FIX = "publish_event_fix"


@dataclass(frozen=True)
class Example:
    """A tiny before/after of what the pattern adds (documentation, and checked)."""

    before: str
    after: str


@dataclass(frozen=True)
class Earlier:
    """The contributions of the patterns built before this one, for the
    patterns that gather from the others (lifecycle, routing, metrics, health)."""

    contributions: tuple[Contribution, ...] = ()

    @property
    def lifecycle(self) -> list[LifecycleStep]:
        return [step for contribution in self.contributions for step in contribution.lifecycle]

    @property
    def error_mappings(self) -> list[ErrorMapping]:
        return [mapping for contribution in self.contributions for mapping in contribution.error_mappings]

    @property
    def counters(self) -> list[str]:
        return [counter for contribution in self.contributions for counter in contribution.counters]

    @property
    def health_checks(self) -> list[str]:
        return [check for contribution in self.contributions for check in contribution.health_checks]


Applies = Callable[[NodeSpec, Selection], str | None]
Build = Callable[[NodeContext, Earlier], Contribution]


def never(spec: NodeSpec, selection: Selection) -> str | None:
    """For ``declines``: the pattern has nothing to say when it does not apply."""
    return None


@dataclass(frozen=True)
class Pattern:
    """One production pattern.

    ``applies`` says why the pattern applies to a spec, given what the
    selector chose so far (base, mixins, integrations, the patterns before this
    one), or None; ``declines`` says why a feature the spec asks for is
    skipped. ``build`` makes its contribution; ``upgradable`` says whether
    ``codegen-ast upgrade`` can add it to a hand-written node. ``tests`` name
    the project's tests of the pattern (beside the golden cases).
    """

    name: PatternName
    summary: str
    applies: Applies
    build: Build
    example: Example
    tests: Sequence[str]
    upgradable: bool = False
    declines: Applies = never
    declarative: Build | None = None  # its part of the declarative shape; None: onex_support does it


def always(reason: str) -> Applies:
    """``applies`` for a pattern every node gets."""

    def applies(spec: NodeSpec, selection: Selection) -> str | None:
        return reason

    return applies

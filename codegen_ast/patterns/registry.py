"""The pattern registry: every production pattern, in the order it is applied.

The selector walks this table to choose a node's patterns (and log why);
``generate`` builds the chosen ones in this order, so ``node.py`` is assembled
in it; ``codegen-ast patterns`` lists it; ``upgrade`` offers the records
marked upgradable. A new pattern is one record in its own package and one line
here (and its name in :class:`~codegen_ast.patterns.record.PatternName`).
"""

from __future__ import annotations

from codegen_ast.patterns import consul
from codegen_ast.patterns.caching import pattern as caching
from codegen_ast.patterns.core import errors, health, health_check_mode, lifecycle, logging, metrics, routing
from codegen_ast.patterns.crud import pattern as crud
from codegen_ast.patterns.discovery import pattern as discovery
from codegen_ast.patterns.events import pattern as events
from codegen_ast.patterns.http import pattern as http
from codegen_ast.patterns.integrations import http as http_client
from codegen_ast.patterns.integrations import kafka, postgres, redis
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.record import Earlier, Pattern
from codegen_ast.patterns.workflow import pattern as workflow

REGISTRY: tuple[Pattern, ...] = (
    logging.PATTERN,
    health_check_mode.PATTERN,
    postgres.PATTERN,
    redis.PATTERN,
    http_client.PATTERN,
    kafka.PATTERN,
    crud.PATTERN,
    http.CIRCUIT_BREAKER,
    consul.PATTERN,
    caching.PATTERN,
    events.EVENTS,
    events.TRANSITION_EVENTS,
    events.EVENT_HANDLERS,
    discovery.PATTERN,
    http.HTTP_ENDPOINTS,
    workflow.PATTERN,
    lifecycle.PATTERN,
    routing.PATTERN,
    errors.PATTERN,
    metrics.PATTERN,
    health.PATTERN,
    events.PUBLISH_EVENT_FIX,
)



def find(name: str) -> Pattern:
    """The registered pattern called ``name``."""
    for pattern in REGISTRY:
        if pattern.name == name:
            return pattern
    raise KeyError(name)


def build_contributions(context: NodeContext) -> list[Contribution]:
    """Every chosen pattern's contribution, in the registry's order; each
    pattern sees what the ones before it contributed."""
    built: list[Contribution] = []
    for name in context.selection.patterns:
        built.append(find(name).build(context, Earlier(tuple(built))))
    return built


def build_declarative_contributions(context: NodeContext) -> list[Contribution]:
    """The declarative shape's contributions of the chosen patterns that have one
    (the others are carried out by onex_support), in the registry's order."""
    built: list[Contribution] = []
    for name in context.selection.patterns:
        pattern = find(name)
        if pattern.declarative is not None:
            built.append(pattern.declarative(context, Earlier(tuple(built))))
    return built

"""Variants (seed plan 6.1) as pattern profiles, not separate templates.

A profile names the integrations and patterns a kind of node needs; the
selector picks one (the spec's ``variant``, else what the spec reveals, in the
seed's priority order: integrations first, then the domain) and merges its
patterns into the selection. Every variant is built from the same pattern
modules as any other node.
"""

from __future__ import annotations

from typing import NamedTuple

from codegen_ast.spec import NodeSpec
from codegen_ast.target import COMPUTE, EFFECT, ORCHESTRATOR, REDUCER, NodeKind, node_kind


class Profile(NamedTuple):
    name: str
    kind: NodeKind  # the node type the variant is for
    integrations: tuple[str, ...]  # integrations the variant always brings
    patterns: tuple[str, ...]  # patterns the variant always brings
    summary: str


PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        Profile("database", EFFECT, ("postgres",), (), "PostgreSQL pool, query helpers; CRUD handlers when a table is declared"),
        Profile("api", EFFECT, ("http",), (), "httpx client; one handler per declared endpoint, retries for idempotent methods"),
        Profile("kafka", EFFECT, ("kafka",), ("events",), "Kafka producer, enveloped events; typed handlers for subscribed events"),
        Profile("ml", COMPUTE, (), ("caching",), "inference answers cached (cache-aside with a TTL): the same input is not scored twice"),
        Profile("analytics", REDUCER, (), ("caching",), "aggregates cached per request and reduced state"),
        Profile("workflow", ORCHESTRATOR, (), ("events",), "declared steps with timeouts, concurrency and compensation"),
    )
}

# domain words -> variant (seed 6.1, checked after the integrations)
_DOMAIN_WORDS = (
    ("ml", frozenset({"ml", "inference", "model", "prediction", "scoring"})),
    ("analytics", frozenset({"analytics", "aggregation", "aggregate", "statistics"})),
    ("workflow", frozenset({"workflow", "orchestration", "saga"})),
)


def choose_profile(spec: NodeSpec, integrations: tuple[str, ...], domain_words: set[str]) -> tuple[Profile, str] | None:
    """The variant for ``spec`` and why, or None for the plain node of its type."""
    if spec.variant is not None:  # the spec has checked it suits the node type
        return PROFILES[spec.variant], "declared in variant"
    kind = node_kind(spec.node_type)
    if kind.performs_io:
        for name, integration in (("database", "postgres"), ("api", "http"), ("kafka", "kafka")):
            if integration in integrations:
                return PROFILES[name], f"the {integration} integration is selected"
    if kind.runs_workflow and spec.workflow_operations:
        return PROFILES["workflow"], "an operation declares workflow steps"
    for name, words in _DOMAIN_WORDS:
        if PROFILES[name].kind is kind and (hits := sorted(domain_words & words)):
            return PROFILES[name], f"domain {spec.domain!r} mentions {hits[0]!r}"
    return None


def variant_brings(variant: str | None, pattern: str) -> bool:
    """Whether the variant (a profile's name) brings ``pattern``."""
    return variant is not None and pattern in PROFILES[variant].patterns

"""Caching in the declarative shape: an answer cache among the node's resources
(``onex_support.cache.MemoryCache``, or ``redis_cache.RedisCache`` over the node's
Redis client), and the cached operations' ``run`` answering cache-aside."""

from __future__ import annotations

from codegen_ast import builders as b
from codegen_ast.patterns.caching.node import behaviour_fingerprint
from codegen_ast.patterns.contribution import Contribution, NodeContext, ResourceDecl
from codegen_ast.patterns.record import Earlier


def build_declarative(context: NodeContext, earlier: Earlier) -> Contribution:
    spec = context.spec
    if not context.kind.caches or spec.state_machine is not None:
        return Contribution()  # an effect's or orchestrator's answer depends on the outside world
    # the node version and a digest of what its spec declares: a regenerated node that answers
    # differently (a changed formula) never reads what the older one cached
    version = f"{spec.version}+{behaviour_fingerprint(spec)}"
    arguments: list[b.ExprLike] = [b.literal(spec.cache_ttl_s), b.string_literal(version)]
    if "redis" in context.selection.integrations:
        cache = ResourceDecl("cache", "RedisCache", b.call("RedisCache", "self.redis", *arguments),
                             frozenset({("onex_support.redis_cache", "RedisCache")}), managed=False)
    else:
        cache = ResourceDecl("cache", "MemoryCache", b.call("MemoryCache", *arguments),
                             frozenset({("onex_support.cache", "MemoryCache")}), managed=False)
    operations = spec.cache.operations if spec.cache is not None and spec.cache.operations else context.operations
    return Contribution(resources=[cache], cached=list(operations))

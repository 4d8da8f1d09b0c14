"""The cache in contract.yaml: the framework's caching section."""

from __future__ import annotations

from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.patterns.caching.node import uses_redis


def contract_section(context: NodeContext) -> dict[str, object]:
    """The contract's ``caching`` subcontract (omnibase-core's ModelCachingSubcontract), when selected."""
    if "caching" not in context.selection.patterns:
        return {}
    def version() -> dict[str, int]:
        return {"major": 1, "minor": 0, "patch": 0}  # a fresh mapping each time: no YAML anchors

    return {
        "caching": {
            "version": version(),
            "caching_enabled": True,
            "cache_strategy": "cache_aside",
            "cache_backend": "redis" if uses_redis(context) else "memory",
            "key_strategy": {
                "version": version(),
                "key_generation_method": "composite_hash",
                "namespace": f"{context.spec.name}:cache",
                "include_version": True,
                "hash_algorithm": "sha256",
            },
            "invalidation_policy": {
                "version": version(),
                "invalidation_strategy": "ttl_based",
                "ttl_seconds": context.spec.cache_ttl_s,
            },
        }
    }

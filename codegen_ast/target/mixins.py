"""omnibase-core's mixins: what each wrapper brings, where each is imported from, which exist."""

from __future__ import annotations

from codegen_ast.target.catalogue import BY_NAME, CATALOGUE

# Where each mixin a generated class may list as a base is imported from, and
# every mixin omnibase-core 0.47.57 ships: the catalogue (target/catalogue.py).
MIXINS = {info.name: info.symbol for info in CATALOGUE if info.use in ("base", "provided")}
KNOWN_MIXINS = frozenset(BY_NAME)

# Mixins that belong to one node type only.
NODE_TYPE_MIXINS = {
    "MixinEffectExecution": "effect",
    "MixinComputeExecution": "compute",
    "MixinFSMExecution": "reducer",
    "MixinContractStateReducer": "reducer",
    "MixinWorkflowExecution": "orchestrator",
}

# Names from the seed plan's older API that omnibase-core 0.47 does not have,
# with what replaces them.
REMOVED_MIXINS = {
    "MixinRetry": "retry is built into NodeEffect (ModelEffectInput.retry_enabled / max_retries); use the 'retry' feature",
    "MixinCircuitBreaker": "circuit breaking is built into NodeEffect (get_circuit_breaker); use the 'circuit_breaker' feature",
    "MixinEventListener": "subscribe through MixinEventBus (the 'events' feature)",
    "MixinHybridExecution": "no replacement in omnibase-core 0.47",
    "MixinLogData": "logging goes through emit_log_event_sync (always generated)",
}

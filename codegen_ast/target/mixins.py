"""omnibase-core's mixins: what each wrapper brings, where each is imported from, which exist."""

from __future__ import annotations

from codegen_ast.target.symbols import Symbol

# What each convenience wrapper adds on top of its plain base class (checked
# against the installed MROs); a custom composition re-creates these itself.
WRAPPER_MIXINS = {
    "effect": ("MixinNodeService", "MixinHealthCheck", "MixinEventBus", "MixinMetrics"),
    "compute": ("MixinNodeService", "MixinHealthCheck", "MixinCaching", "MixinMetrics"),
    "reducer": ("MixinNodeService", "MixinHealthCheck", "MixinCaching", "MixinMetrics"),
    "orchestrator": ("MixinNodeService", "MixinHealthCheck", "MixinEventBus", "MixinMetrics"),
}

# Where each mixin a generated class may list as a base is imported from.
MIXINS = {
    "MixinCaching": Symbol("omnibase_core.mixins", "MixinCaching"),
    "MixinEventBus": Symbol("omnibase_core.mixins", "MixinEventBus"),
    "MixinHealthCheck": Symbol("omnibase_core.mixins", "MixinHealthCheck"),
    "MixinMetrics": Symbol("omnibase_core.mixins.mixin_metrics", "MixinMetrics"),
    "MixinNodeService": Symbol("omnibase_core.mixins.mixin_node_service", "MixinNodeService"),
}

# Every mixin omnibase-core 0.47.57 ships (ONEX_TARGET.md).
KNOWN_MIXINS = frozenset(
    "Mixin" + name
    for name in (
        "CLIHandler Caching CanonicalYAMLSerializer ComputeExecution ContractMetadata "
        "ContractPublisher ContractStateReducer DebugDiscoveryLogging Discovery "
        "DiscoveryResponder EffectExecution EventBus EventDrivenNode EventHandler "
        "FSMExecution FailFast HandlerRouting HashComputation HealthCheck "
        "IntrospectFromContract IntrospectionPublisher LazyEvaluation LazyValue Metrics "
        "NodeDispatch NodeExecutor NodeIdFromContract NodeIntrospection NodeLifecycle "
        "NodeService NodeSetup NodeTypeValidator RequestResponseIntrospection "
        "SensitiveFieldRedaction Serializable ServiceRegistry ToolExecution TraceCapture "
        "TruncationValidation WorkflowExecution YAMLSerialization"
    ).split()
)

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

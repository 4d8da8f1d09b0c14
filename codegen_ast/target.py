"""The one place that knows omnibase-core's import paths and names.

Verified against omnibase-core 0.47.57 (../shared/ONEX_TARGET.md). Everything
else in codegen_ast refers to the framework through these symbols.
"""

from __future__ import annotations

from dataclasses import dataclass

FRAMEWORK_VERSION = "0.47.57"


@dataclass(frozen=True)
class Symbol:
    module: str
    name: str


# node base classes and convenience wrappers, by node type
BASE_CLASSES = {
    "effect": Symbol("omnibase_core.nodes", "NodeEffect"),
    "compute": Symbol("omnibase_core.nodes", "NodeCompute"),
    "reducer": Symbol("omnibase_core.nodes", "NodeReducer"),
    "orchestrator": Symbol("omnibase_core.nodes", "NodeOrchestrator"),
}
SERVICE_WRAPPERS = {
    "effect": Symbol("omnibase_core.nodes.node_service_effect", "ModelServiceEffect"),
    "compute": Symbol("omnibase_core.nodes.node_service_compute", "ModelServiceCompute"),
    "reducer": Symbol("omnibase_core.nodes.node_service_reducer", "ModelServiceReducer"),
    "orchestrator": Symbol(
        "omnibase_core.nodes.node_service_orchestrator", "ModelServiceOrchestrator"
    ),
}
CONTRACT_MODELS = {
    "effect": Symbol("omnibase_core.models.contracts", "ModelContractEffect"),
    "compute": Symbol("omnibase_core.models.contracts", "ModelContractCompute"),
    "reducer": Symbol("omnibase_core.models.contracts", "ModelContractReducer"),
    "orchestrator": Symbol("omnibase_core.models.contracts", "ModelContractOrchestrator"),
}
CONTRACT_NODE_TYPES = {
    "effect": "EFFECT_GENERIC",
    "compute": "COMPUTE_GENERIC",
    "reducer": "REDUCER_GENERIC",
    "orchestrator": "ORCHESTRATOR_GENERIC",
}

CONTAINER = Symbol("omnibase_core.models.container.model_onex_container", "ModelONEXContainer")
ONEX_ERROR = Symbol("omnibase_core.errors", "ModelOnexError")
ERROR_CODE = Symbol("omnibase_core.enums", "EnumCoreErrorCode")
HEALTH_STATUS = Symbol("omnibase_core.models.health.model_health_status", "ModelHealthStatus")
HEALTH_VALUE = Symbol(
    "omnibase_core.enums.enum_health_status_value", "EnumHealthStatusValue"
)
LOG_EVENT = Symbol("omnibase_core.logging.logging_structured", "emit_log_event_sync")
LOG_LEVEL = Symbol("omnibase_core.enums.enum_log_level", "EnumLogLevel")
METRICS_MIXIN = Symbol("omnibase_core.mixins.mixin_metrics", "MixinMetrics")
HEALTH_MIXIN = Symbol("omnibase_core.mixins", "MixinHealthCheck")
EVENT_BUS_MIXIN = Symbol("omnibase_core.mixins", "MixinEventBus")
EVENT_ENVELOPE = Symbol("omnibase_core.models.events.model_event_envelope", "ModelEventEnvelope")
EFFECT_INPUT = Symbol("omnibase_core.models.effect.model_effect_input", "ModelEffectInput")
EFFECT_OUTPUT = Symbol("omnibase_core.models.effect.model_effect_output", "ModelEffectOutput")
EFFECT_TYPE = Symbol("omnibase_core.enums", "EnumEffectType")
TRANSACTION_STATE = Symbol("omnibase_core.enums", "EnumTransactionState")

# Client libraries that ship no type information: their imports in generated
# code carry an ignore comment so that `mypy --strict` stays clean.
UNTYPED_MODULES = frozenset({"asyncpg", "aiokafka", "aiokafka.errors", "consul"})

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

# Typed input/output models of each node type. Compute and Reducer models are
# generic: generated code parametrises them with SERIALIZED_DICT.
NODE_INPUTS = {
    "effect": EFFECT_INPUT,
    "compute": Symbol("omnibase_core.models.compute.model_compute_input", "ModelComputeInput"),
    "reducer": Symbol("omnibase_core.models.reducer.model_reducer_input", "ModelReducerInput"),
    "orchestrator": Symbol(
        "omnibase_core.models.orchestrator.model_orchestrator_input", "ModelOrchestratorInput"
    ),
}
NODE_OUTPUTS = {
    "effect": EFFECT_OUTPUT,
    "compute": Symbol("omnibase_core.models.compute.model_compute_output", "ModelComputeOutput"),
    "reducer": Symbol("omnibase_core.models.reducer.model_reducer_output", "ModelReducerOutput"),
    "orchestrator": Symbol(
        "omnibase_core.models.orchestrator.model_orchestrator_output", "ModelOrchestratorOutput"
    ),
}
GENERIC_NODE_TYPES = frozenset({"compute", "reducer"})

# The fields of those framework models (0.47.57): a declared field of the same name
# would replace the framework's own in the generated model that extends it.
NODE_INPUT_FIELDS = {
    "effect": frozenset({"circuit_breaker_enabled", "effect_type", "max_retries", "metadata", "operation_data",
                         "operation_id", "retry_delay_ms", "retry_enabled", "timeout_ms", "timestamp",
                         "transaction_enabled"}),
    "compute": frozenset({"cache_enabled", "computation_type", "data", "metadata", "operation_id",
                          "parallel_enabled", "timestamp"}),
    "reducer": frozenset({"batch_size", "conflict_resolution", "data", "metadata", "operation_id", "reduction_type",
                          "streaming_mode", "timestamp", "window_size_ms"}),
    "orchestrator": frozenset({"dependency_resolution_enabled", "execution_mode", "failure_strategy",
                               "global_timeout_ms", "load_balancing_enabled", "max_parallel_steps", "metadata",
                               "operation_id", "steps", "timestamp", "workflow_id"}),
}
NODE_OUTPUT_FIELDS = {
    "effect": frozenset({"effect_type", "metadata", "operation_id", "processing_time_ms", "result", "retry_count",
                         "rollback_operations", "side_effects_applied", "timestamp", "transaction_state"}),
    "compute": frozenset({"cache_hit", "cache_lookup_time_ms", "computation_type", "metadata", "operation_id",
                          "parallel_execution_used", "processing_time_ms", "result"}),
    "reducer": frozenset({"batches_processed", "conflicts_resolved", "fsm_metadata", "intents", "items_processed",
                          "metadata", "operation_id", "processing_time_ms", "reduction_type", "result",
                          "streaming_mode", "timestamp"}),
    "orchestrator": frozenset({"actions_emitted", "completed_steps", "custom_outputs", "end_time", "errors",
                               "execution_status", "execution_time_ms", "failed_steps", "final_result", "metrics",
                               "output_variables", "parallel_executions", "skipped_steps", "start_time",
                               "step_outputs"}),
}
SERIALIZED_DICT = Symbol("omnibase_core.types.type_serializable_value", "SerializedDict")
REDUCTION_TYPE = Symbol("omnibase_core.enums", "EnumReductionType")
REDUCER_METADATA = Symbol("omnibase_core.models.common.model_reducer_metadata", "ModelReducerMetadata")
PROJECTION_INTENT = Symbol(
    "omnibase_core.models.projectors.model_projection_intent", "ModelProjectionIntent"
)
WORKFLOW_STEP = Symbol("omnibase_core.models.contracts.model_workflow_step", "ModelWorkflowStep")
ORCHESTRATOR_METADATA = Symbol(
    "omnibase_core.models.orchestrator.model_orchestrator_input_metadata",
    "ModelOrchestratorInputMetadata",
)

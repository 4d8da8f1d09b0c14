"""omnibase-core's import paths and names, as Symbols.

Verified against omnibase-core 0.47.57. A Symbol is a ``(module, name)`` pair,
so it goes straight into a Contribution's imports.
"""

from __future__ import annotations

from typing import NamedTuple

FRAMEWORK_VERSION = "0.47.57"
FRAMEWORK_PACKAGE = "omnibase_core"


class Symbol(NamedTuple):
    """``from <module> import <name>`` (module "" for a builtin)."""

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
EVENT_ENVELOPE = Symbol("omnibase_core.models.events.model_event_envelope", "ModelEventEnvelope")
EFFECT_INPUT = Symbol("omnibase_core.models.effect.model_effect_input", "ModelEffectInput")
EFFECT_OUTPUT = Symbol("omnibase_core.models.effect.model_effect_output", "ModelEffectOutput")
EFFECT_TYPE = Symbol("omnibase_core.enums", "EnumEffectType")
TRANSACTION_STATE = Symbol("omnibase_core.enums", "EnumTransactionState")

# Client libraries that ship no type information: their imports in generated
# code carry an ignore comment so that `mypy --strict` stays clean.
UNTYPED_MODULES = frozenset({"asyncpg", "aiokafka", "aiokafka.errors", "consul"})

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
HEALTH_ISSUE = Symbol("omnibase_core.models.health.model_health_issue", "ModelHealthIssue")
LIFECYCLE_STATUS = Symbol("omnibase_core.enums.enum_node_lifecycle_status", "EnumNodeLifecycleStatus")
METRIC_ENTRY = Symbol("omnibase_core.types.typed_dict_mixin_types", "TypedDictMetricEntry")
CIRCUIT_BREAKER = Symbol("omnibase_core.models.configuration.model_circuit_breaker", "ModelCircuitBreaker")
EFFECT_RESULT = Symbol("omnibase_core.types.type_effect_result", "EffectResultType")
YAML_MODEL_LOADER = Symbol("omnibase_core.utils.util_safe_yaml_loader", "load_and_validate_yaml_model")
CONTRACTS_PACKAGE = "omnibase_core.models.contracts"

# the mixins as their own modules define them (MIXINS: as a class lists them)
MIXIN_NODE_SERVICE = Symbol("omnibase_core.mixins.mixin_node_service", "MixinNodeService")
MIXIN_EVENT_BUS = Symbol("omnibase_core.mixins.mixin_event_bus", "MixinEventBus")

# events
EVENT_BUS = Symbol("omnibase_core.protocols.event_bus", "ProtocolEventBus")
EVENT_BUS_PUBLISHER = Symbol("omnibase_core.protocols.event_bus", "ProtocolEventBusPublisher")
EVENT_BUS_SUBSCRIBER = Symbol(
    "omnibase_core.protocols.event_bus.protocol_event_bus_subscriber", "ProtocolEventBusSubscriber"
)
EVENT_BUS_DUCK_TYPED = Symbol("omnibase_core.protocols.protocol_event_bus_duck_typed", "ProtocolEventBusDuckTyped")
EVENT_MESSAGE = Symbol("omnibase_core.protocols.event_bus.protocol_event_message", "ProtocolEventMessage")
EMITTER_IDENTITY = Symbol("omnibase_core.models.envelope.model_emitter_identity", "ModelEmitterIdentity")
EVENT_PAYLOAD_BASE = Symbol("omnibase_core.models.events.model_event_payload_base", "ModelEventPayloadBase")
ONEX_EVENT = Symbol("omnibase_core.models.core.model_onex_event", "ModelOnexEvent")
# omnibase-core's util_topic_suffix.TOPIC_SUFFIX_PATTERN: the only topics a
# contract's event_bus section may list (onex.{kind}.{producer}.{event-name}.v{n})
ONEX_TOPIC_PATTERN = r"onex\.(cmd|evt|dlq|intent|snapshot)\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v\d+"

# workflows and state machines
SCHEMA_VALUE = Symbol("omnibase_core.models.common.model_schema_value", "ModelSchemaValue")
WORKFLOW_STATUS = Symbol("omnibase_core.enums.enum_workflow_status", "EnumWorkflowStatus")
EXECUTION_GRAPH = Symbol("omnibase_core.models.contracts.subcontracts.model_execution_graph", "ModelExecutionGraph")
WORKFLOW_DEFINITION = Symbol(
    "omnibase_core.models.contracts.subcontracts.model_workflow_definition", "ModelWorkflowDefinition"
)
WORKFLOW_DEFINITION_METADATA = Symbol(
    "omnibase_core.models.contracts.subcontracts.model_workflow_definition_metadata", "ModelWorkflowDefinitionMetadata"
)
SEMVER = Symbol("omnibase_core.models.primitives.model_semver", "ModelSemVer")
FSM_SUBCONTRACT = Symbol("omnibase_core.models.contracts.subcontracts.model_fsm_subcontract", "ModelFSMSubcontract")
REDUCER_FSM_METADATA = Symbol("omnibase_core.models.reducer.model_reducer_fsm_metadata", "ModelReducerFsmMetadata")
INTENT = Symbol("omnibase_core.models.reducer.model_intent", "ModelIntent")

# discovery (codegen_ast/support/discovery.py spliced into node.py)
DISCOVERY_SYMBOLS = (
    Symbol("json", ""),
    Symbol("time", ""),
    Symbol("collections.abc", "Awaitable"),
    Symbol("collections.abc", "Callable"),
    Symbol("collections.abc", "Sequence"),
    Symbol("uuid", "UUID"),
    Symbol("omnibase_core.constants.constants_topic_taxonomy", "TOPIC_DISCOVERY_COMMANDS"),
    Symbol("omnibase_core.constants.constants_topic_taxonomy", "TOPIC_DISCOVERY_EVENTS"),
    Symbol("omnibase_core.mixins", "MixinDiscoveryResponder"),
    Symbol("omnibase_core.models.core.model_discovery_request_response", "ModelDiscoveryRequestModelMetadata"),
    Symbol("omnibase_core.models.core.model_discoveryresponsemetadata", "ModelDiscoveryResponseModelMetadata"),
    Symbol("omnibase_core.models.core.model_event_channels", "ModelEventChannels"),
    Symbol("omnibase_core.models.core.model_event_type", "create_event_type_from_registry"),
    Symbol("omnibase_core.models.core.model_introspection_data", "ModelIntrospectionData"),
    Symbol("omnibase_core.models.core.model_onex_event", "ModelOnexEvent"),
    Symbol("omnibase_core.models.events.model_event_envelope", "ModelEventEnvelope"),
    Symbol("omnibase_core.models.health.model_health_status", "ModelHealthStatus"),
    Symbol("omnibase_core.models.primitives.model_semver", "ModelSemVer"),
    Symbol("omnibase_core.protocols.event_bus", "ProtocolEventBus"),
    Symbol("omnibase_core.models.envelope.model_emitter_identity", "ModelEmitterIdentity"),
    Symbol("os", ""),
)
# what the generated discovery test uses (and ask_discovery, spliced into it)
DISCOVERY_TEST_SYMBOLS = (
    Symbol("json", ""),
    Symbol("collections.abc", "Sequence"),
    Symbol("typing", "Any"),
    Symbol("typing", "cast"),
    Symbol("uuid", "uuid4"),
    Symbol("omnibase_core.constants.constants_topic_taxonomy", "TOPIC_DISCOVERY_COMMANDS"),
    Symbol("omnibase_core.constants.constants_topic_taxonomy", "TOPIC_DISCOVERY_EVENTS"),
    Symbol("omnibase_core.event_bus.event_bus_inmemory", "EventBusInmemory"),
    Symbol("omnibase_core.models.core.model_onex_event", "ModelOnexEvent"),
    Symbol("omnibase_core.models.envelope.model_emitter_identity", "ModelEmitterIdentity"),
    Symbol("omnibase_core.models.events.model_event_envelope", "ModelEventEnvelope"),
    Symbol("omnibase_core.protocols.event_bus", "ProtocolEventBus"),
    Symbol("omnibase_core.protocols.event_bus.protocol_event_message", "ProtocolEventMessage"),
)

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
# reads a contract as the framework's runtime does (RuntimeLocal: a mapping; each section judged by its reader)
YAML_MAPPING_LOADER = Symbol("omnibase_core.utils.util_safe_yaml_loader", "load_yaml_mapping_no_duplicates")
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
# the discovery protocol's topics and request type (TOPIC_DISCOVERY_COMMANDS / _EVENTS in the
# framework's constants_topic_taxonomy; tests/test_discovery.py checks they are the same)
DISCOVERY_COMMANDS_TOPIC = "onex.discovery.commands"
DISCOVERY_EVENTS_TOPIC = "onex.discovery.events"
DISCOVERY_REQUEST_EVENT = "NODE_DISCOVERY_REQUEST"
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

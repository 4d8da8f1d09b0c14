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

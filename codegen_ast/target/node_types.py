"""The framework's four node types as objects.

Each node type is one :class:`NodeKind`: the framework's classes and models for
it (its base, its service wrapper, its contract model, its input and output
models and their fields) and what its nodes do that the others' do not. The
generator asks a node type what it does (``kind.keeps_state``), never which one
it is: a new node type is one more class here, and every place that differs
reads it from its answers.

    kind = node_kind(spec.node_type)
    if kind.keeps_state:  # the reducer: each answer folds into the state kept so far
        ...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from codegen_ast.target.symbols import EFFECT_INPUT, EFFECT_OUTPUT, Symbol

_NODES = "omnibase_core.nodes"
_CONTRACTS = "omnibase_core.models.contracts"


class NodeKind(Protocol):
    """One node type of the framework."""

    @property
    def name(self) -> str:
        """The spec's word for it: ``effect``, ``compute``, ``reducer``, ``orchestrator``."""

    @property
    def suffix(self) -> str:
        """The end of its class names: ``NodeEffect``, ``ModelServiceEffect``."""

    @property
    def base(self) -> Symbol:
        """The plain node base class."""

    @property
    def wrapper(self) -> Symbol:
        """The convenience wrapper: the base with service mode, health, metrics and more."""

    @property
    def wrapper_mixins(self) -> tuple[str, ...]:
        """What the wrapper adds on top of the plain base (checked against the installed MROs)."""

    @property
    def contract_model(self) -> Symbol:
        """The pydantic model its contract.yaml loads into."""

    @property
    def contract_type(self) -> str:
        """Its ``node_type`` in a contract.yaml."""

    @property
    def input_model(self) -> Symbol:
        """The framework's input model, which a generated input model extends."""

    @property
    def output_model(self) -> Symbol:
        """The framework's output model, which a generated output model extends."""

    @property
    def input_fields(self) -> frozenset[str]:
        """The fields of the framework's input model (0.47.57)."""

    @property
    def output_fields(self) -> frozenset[str]:
        """The fields of the framework's output model (0.47.57)."""

    @property
    def generic(self) -> bool:
        """Its models are generic: generated code parametrises them with SerializedDict."""

    @property
    def payload(self) -> str | None:
        """The field of the framework's input that carries a plain request's data (None: the input itself)."""

    @property
    def performs_io(self) -> bool:
        """Its work reaches the outside world: typed by EnumEffectType, with io_operations in the contract,
        the operation inside ``operation_data``; the only type that may call endpoints or a database."""

    @property
    def computes(self) -> bool:
        """A pure answer from the request: the operation is the input's ``computation_type``."""

    @property
    def keeps_state(self) -> bool:
        """Each answer folds into a state kept between calls (and may run a state machine)."""

    @property
    def runs_workflow(self) -> bool:
        """An operation plans workflow steps and answers from their outcome."""

    @property
    def caches(self) -> bool:
        """Its answer follows from the request (and the state kept so far), not from the outside
        world: an answer cache can serve it (its wrapper ships MixinCaching)."""

    @property
    def has_event_bus(self) -> bool:
        """Its wrapper ships MixinEventBus: it can publish events without another base."""

    @property
    def operation_budget_ms(self) -> int | None:
        """The time budget per operation its contract must declare, when it must declare one."""

    @property
    def scaffold_method(self) -> str:
        """The method ``onex new node`` writes on a node of this type."""

    @property
    def entry_methods(self) -> tuple[str, ...]:
        """Entry points a hand-written node of this type may have, in order of preference."""


@dataclass(frozen=True)
class _FrameworkNode:
    """What every node type has; each subclass below is one node type."""

    name: str
    suffix: str
    base: Symbol
    wrapper: Symbol
    wrapper_mixins: tuple[str, ...]
    contract_model: Symbol
    input_model: Symbol
    output_model: Symbol
    input_fields: frozenset[str]
    output_fields: frozenset[str]
    scaffold_method: str
    entry_methods: tuple[str, ...]

    generic: ClassVar[bool] = False
    payload: ClassVar[str | None] = "data"
    performs_io: ClassVar[bool] = False
    computes: ClassVar[bool] = False
    keeps_state: ClassVar[bool] = False
    caches: ClassVar[bool] = False
    runs_workflow: ClassVar[bool] = False
    operation_budget_ms: ClassVar[int | None] = None

    @property
    def contract_type(self) -> str:
        return f"{self.name.upper()}_GENERIC"

    @property
    def has_event_bus(self) -> bool:
        return "MixinEventBus" in self.wrapper_mixins


@dataclass(frozen=True)
class EffectNode(_FrameworkNode):
    payload: ClassVar[str | None] = "operation_data"
    performs_io: ClassVar[bool] = True


@dataclass(frozen=True)
class ComputeNode(_FrameworkNode):
    generic: ClassVar[bool] = True
    computes: ClassVar[bool] = True
    caches: ClassVar[bool] = True
    operation_budget_ms: ClassVar[int | None] = 1000  # a compute contract does not load without one


@dataclass(frozen=True)
class ReducerNode(_FrameworkNode):
    generic: ClassVar[bool] = True
    keeps_state: ClassVar[bool] = True
    caches: ClassVar[bool] = True


@dataclass(frozen=True)
class OrchestratorNode(_FrameworkNode):
    payload: ClassVar[str | None] = None
    runs_workflow: ClassVar[bool] = True
    operation_budget_ms: ClassVar[int | None] = 5000  # an orchestrator contract does not load without one


EFFECT: NodeKind = EffectNode(
    "effect",
    "Effect",
    Symbol(_NODES, "NodeEffect"),
    Symbol("omnibase_core.nodes.node_service_effect", "ModelServiceEffect"),
    ("MixinNodeService", "MixinHealthCheck", "MixinEventBus", "MixinMetrics"),
    Symbol(_CONTRACTS, "ModelContractEffect"),
    EFFECT_INPUT,
    EFFECT_OUTPUT,
    frozenset({"circuit_breaker_enabled", "effect_type", "max_retries", "metadata", "operation_data",
               "operation_id", "retry_delay_ms", "retry_enabled", "timeout_ms", "timestamp",
               "transaction_enabled"}),
    frozenset({"effect_type", "metadata", "operation_id", "processing_time_ms", "result", "retry_count",
               "rollback_operations", "side_effects_applied", "timestamp", "transaction_state"}),
    "apply_effect",
    ("process", "execute_effect"),
)
COMPUTE: NodeKind = ComputeNode(
    "compute",
    "Compute",
    Symbol(_NODES, "NodeCompute"),
    Symbol("omnibase_core.nodes.node_service_compute", "ModelServiceCompute"),
    ("MixinNodeService", "MixinHealthCheck", "MixinCaching", "MixinMetrics"),
    Symbol(_CONTRACTS, "ModelContractCompute"),
    Symbol("omnibase_core.models.compute.model_compute_input", "ModelComputeInput"),
    Symbol("omnibase_core.models.compute.model_compute_output", "ModelComputeOutput"),
    frozenset({"cache_enabled", "computation_type", "data", "metadata", "operation_id",
               "parallel_enabled", "timestamp"}),
    frozenset({"cache_hit", "cache_lookup_time_ms", "computation_type", "metadata", "operation_id",
               "parallel_execution_used", "processing_time_ms", "result"}),
    "compute",
    ("process", "execute_compute"),
)
REDUCER: NodeKind = ReducerNode(
    "reducer",
    "Reducer",
    Symbol(_NODES, "NodeReducer"),
    Symbol("omnibase_core.nodes.node_service_reducer", "ModelServiceReducer"),
    ("MixinNodeService", "MixinHealthCheck", "MixinCaching", "MixinMetrics"),
    Symbol(_CONTRACTS, "ModelContractReducer"),
    Symbol("omnibase_core.models.reducer.model_reducer_input", "ModelReducerInput"),
    Symbol("omnibase_core.models.reducer.model_reducer_output", "ModelReducerOutput"),
    frozenset({"batch_size", "conflict_resolution", "data", "metadata", "operation_id", "reduction_type",
               "streaming_mode", "timestamp", "window_size_ms"}),
    frozenset({"batches_processed", "conflicts_resolved", "fsm_metadata", "intents", "items_processed",
               "metadata", "operation_id", "processing_time_ms", "reduction_type", "result",
               "streaming_mode", "timestamp"}),
    "reduce_state",
    ("process", "execute_reduction"),
)
ORCHESTRATOR: NodeKind = OrchestratorNode(
    "orchestrator",
    "Orchestrator",
    Symbol(_NODES, "NodeOrchestrator"),
    Symbol("omnibase_core.nodes.node_service_orchestrator", "ModelServiceOrchestrator"),
    ("MixinNodeService", "MixinHealthCheck", "MixinEventBus", "MixinMetrics"),
    Symbol(_CONTRACTS, "ModelContractOrchestrator"),
    Symbol("omnibase_core.models.orchestrator.model_orchestrator_input", "ModelOrchestratorInput"),
    Symbol("omnibase_core.models.orchestrator.model_orchestrator_output", "ModelOrchestratorOutput"),
    frozenset({"dependency_resolution_enabled", "execution_mode", "failure_strategy",
               "global_timeout_ms", "load_balancing_enabled", "max_parallel_steps", "metadata",
               "operation_id", "steps", "timestamp", "workflow_id"}),
    frozenset({"actions_emitted", "completed_steps", "custom_outputs", "end_time", "errors",
               "execution_status", "execution_time_ms", "failed_steps", "final_result", "metrics",
               "output_variables", "parallel_executions", "skipped_steps", "start_time",
               "step_outputs"}),
    "orchestrate",
    ("process", "execute_orchestration"),
)

NODE_KINDS: tuple[NodeKind, ...] = (EFFECT, COMPUTE, REDUCER, ORCHESTRATOR)
_BY_NAME = {kind.name: kind for kind in NODE_KINDS}


def node_kind(name: str) -> NodeKind:
    """The node type a spec names (``spec.node_type``)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown node type {name!r}: one of {', '.join(_BY_NAME)}") from None


def find_kind(name: str | None) -> NodeKind | None:
    """The node type ``name`` names, or None when it names none (a word read from a user's file)."""
    return _BY_NAME.get(name) if name is not None else None


# Views by name, for tables keyed by the spec's word (each derived from the kinds above).
BASE_CLASSES = {kind.name: kind.base for kind in NODE_KINDS}
SERVICE_WRAPPERS = {kind.name: kind.wrapper for kind in NODE_KINDS}
CONTRACT_MODELS = {kind.name: kind.contract_model for kind in NODE_KINDS}
CONTRACT_NODE_TYPES = {kind.name: kind.contract_type for kind in NODE_KINDS}
NODE_INPUTS = {kind.name: kind.input_model for kind in NODE_KINDS}
NODE_OUTPUTS = {kind.name: kind.output_model for kind in NODE_KINDS}
NODE_INPUT_FIELDS = {kind.name: kind.input_fields for kind in NODE_KINDS}
NODE_OUTPUT_FIELDS = {kind.name: kind.output_fields for kind in NODE_KINDS}
GENERIC_NODE_TYPES = frozenset(kind.name for kind in NODE_KINDS if kind.generic)
WRAPPER_MIXINS = {kind.name: kind.wrapper_mixins for kind in NODE_KINDS}

"""Every mixin omnibase-core 0.47.57 ships, and how each reaches a generated node.

One entry per mixin (the 36 ``omnibase_core.mixins`` exports, the three its
``mixins`` package holds without exporting them, and ``MixinNodeDispatch`` from
``runtime``): its category (from the framework's own ``mixin_metadata.yaml``), a
line of what it gives, and how it is used:

- ``base``: listed among the node class's bases, its requirements resolved
  (``first``: before the node base, as the framework's wrappers place it;
  ``generic``: parametrised; ``requires``: what else it needs);
- ``provided``: the node base class of those node types already has it;
- ``registry``: it reaches the node as an object the node holds (the declarative
  shape's registry), because as a base it would clash with another base;
- ``refused``: the framework's code says why it cannot serve a node.

``evidence`` points at what in the framework's code shows a refusal; the test
suite checks each piece against the installed framework, derives :data:`CLASHES`
from the mixins' classes, and composes and type-checks every allowed pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from codegen_ast.target.symbols import Symbol

Use = Literal["base", "provided", "registry", "refused"]
EXPORTED_FROM = "omnibase_core.mixins"
# the mixins omnibase_core.mixins re-exports (its __all__; the test suite checks it)
EXPORTED = frozenset(
    "Mixin" + name
    for name in (
        "CLIHandler Caching CanonicalYAMLSerializer ComputeExecution ContractMetadata ContractPublisher "
        "ContractStateReducer DebugDiscoveryLogging DiscoveryResponder EffectExecution EventBus "
        "EventDrivenNode EventHandler FSMExecution FailFast HandlerRouting HashComputation HealthCheck "
        "IntrospectFromContract IntrospectionPublisher LazyEvaluation NodeExecutor NodeIdFromContract "
        "NodeIntrospection NodeLifecycle NodeSetup NodeTypeValidator RequestResponseIntrospection "
        "SensitiveFieldRedaction Serializable ServiceRegistry ToolExecution TraceCapture "
        "TruncationValidation WorkflowExecution YAMLSerialization"
    ).split()
)
NODE_TYPES: tuple[str, ...] = ("effect", "compute", "reducer", "orchestrator")
# ("quote", text found in the mixin's module) | ("init-fails", part of the error a
# node class with the mixin raises when created) | ("abstract", an abstract method)
Evidence = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class MixinInfo:
    name: str
    module: str
    category: str
    gives: str
    use: Use
    node_types: tuple[str, ...] = NODE_TYPES  # where it may be added (base) or held (registry)
    provided_by: tuple[str, ...] = ()  # node types whose base class already has it
    requires: str = ""  # what it needs, and how codegen-ast meets it
    reason: str = ""  # why it is refused, or held rather than inherited
    evidence: Evidence = ()
    generic: bool = False  # parametrised in the bases: MixinEventBus[Any, Any]
    first: bool = False  # goes before the node base, as in the framework's wrappers

    @property
    def symbol(self) -> Symbol:
        """Where generated code imports it from: the package when it exports it, else its module."""
        return Symbol(EXPORTED_FROM if self.name in EXPORTED else self.module, self.name)


_PYDANTIC = "it works on pydantic models (it reads self.model_dump / model fields), and a node is not one"
_EVENT_DRIVEN = (
    "it reads self.event_bus, which only MixinEventDrivenNode.__init__(node_id, event_bus) sets "
    "(and MixinEventDrivenNode cannot serve a node): on a node it finds no bus and does nothing"
)

CATALOGUE: tuple[MixinInfo, ...] = (
    # --- composed into a node ---------------------------------------------------------
    MixinInfo(
        "MixinCaching", "omnibase_core.mixins.mixin_caching", "data_management",
        "an in-process answer cache with TTL, and an optional L2 backend", "base",
        requires="nothing: its __init__ is cooperative (keyword arguments with defaults)",
    ),
    MixinInfo(
        "MixinEventBus", "omnibase_core.mixins.mixin_event_bus", "communication",
        "bind_event_bus() and publish_event(): envelopes to the bound event bus", "base",
        generic=True,
        requires="a bus bound with bind_event_bus() before publishing; next to MixinNodeService "
        "it needs codegen-ast's publish_event fix (`codegen-ast mixins --pairs`)",
    ),
    MixinInfo(
        "MixinHealthCheck", "omnibase_core.mixins.mixin_health_check", "monitoring",
        "get_health_checks(), health_check() and health_check_async() over the node's checks", "base",
        requires="nothing: its __init__ is cooperative",
    ),
    MixinInfo(
        "MixinMetrics", "omnibase_core.mixins.mixin_metrics", "observability",
        "counters, histograms and a pluggable metrics backend", "base",
        requires="nothing: its __init__ is cooperative",
    ),
    MixinInfo(
        "MixinNodeService", "omnibase_core.mixins.mixin_node_service", "orchestration",
        "service mode: start_service_mode() / stop_service_mode() for a long-lived node", "base",
        first=True,
        requires="the first base (before the node base), as in ModelServiceEffect; next to "
        "MixinEventBus it needs codegen-ast's publish_event fix (`codegen-ast mixins --pairs`)",
    ),
    MixinInfo(
        "MixinFailFast", "omnibase_core.mixins.mixin_fail_fast", "reliability",
        "validate_required/validate_type/... helpers raising ModelOnexError", "base",
        requires="nothing; note that its fail_fast() decorator and handle_error() end the process "
        "with sys.exit(1): call the validate_* helpers",
        evidence=(("quote", "sys.exit(1)"),),
    ),
    MixinInfo(
        "MixinTraceCapture", "omnibase_core.mixins.mixin_trace_capture", "observability",
        "run_traced(): an execution trace per awaited call, in a trace store", "base",
        requires="nothing: the in-memory trace store is created on first use",
    ),
    MixinInfo(
        "MixinHandlerRouting", "omnibase_core.mixins.mixin_handler_routing", "routing",
        "the contract's handler_routing table: route_to_handlers() by operation, topic or payload type",
        "base", node_types=("reducer",), provided_by=("effect", "compute", "orchestrator"),
        requires="nothing: its __init__ is cooperative",
    ),
    MixinInfo(
        "MixinNodeDispatch", "omnibase_core.runtime.mixin_node_dispatch", "routing",
        "a frozen dispatch table of routes and dispatchers, and dispatch()", "base",
        node_types=("compute", "reducer"), provided_by=("effect", "orchestrator"),
        requires="nothing: its state is created in a cooperative __init__ (and lazily)",
    ),
    MixinInfo(
        "MixinComputeExecution", "omnibase_core.mixins.mixin_compute_execution", "execution",
        "execute_contract_pipeline(): a compute contract's transformation pipeline", "base",
        node_types=("compute",),
        requires="a compute contract's compute_operations to run",
    ),
    MixinInfo(
        "MixinEffectExecution", "omnibase_core.mixins.mixin_effect_execution", "execution",
        "execute_effect(): an effect contract's io_operations with retries and circuit breakers",
        "provided", node_types=(), provided_by=("effect",),
        reason="NodeEffect already has it; it runs an effect contract's io_operations, which other node types lack",
    ),
    MixinInfo(
        "MixinFSMExecution", "omnibase_core.mixins.mixin_fsm_execution", "declarative_execution",
        "execute_fsm_transition(): the state machine of a reducer contract", "provided",
        node_types=(), provided_by=("reducer",),
        reason="NodeReducer already has it: the framework gives state machines to reducers (declare state_machine)",
    ),
    MixinInfo(
        "MixinWorkflowExecution", "omnibase_core.mixins.mixin_workflow_execution", "declarative_execution",
        "execute_workflow_from_contract(): an orchestrator contract's workflow", "provided",
        node_types=(), provided_by=("orchestrator",),
        reason="NodeOrchestrator already has it: workflows belong to orchestrators (declare operations[].steps)",
    ),
    MixinInfo(
        "MixinDiscoveryResponder", "omnibase_core.mixins.mixin_discovery_responder", "service_discovery",
        "answers NODE_DISCOVERY_REQUEST broadcasts with the node's introspection, health and capabilities",
        "registry",
        requires="an event bus that subscribes and publishes, the node's id, version, introspection "
        "and event channels: the generated responder object gives them from the node and its spec",
        reason="as a base, its get_health_status() -> str clashes with MixinHealthCheck's, which every "
        "generated node has; the node holds a responder built on it instead (the discovery feature)",
        evidence=(("quote", "def get_health_status(self) -> str:"),),
    ),
    # --- refused ----------------------------------------------------------------------
    MixinInfo(
        "MixinCLIHandler", "omnibase_core.mixins.mixin_cli_handler", "integration",
        "argparse-based main() for tool nodes run from a command line", "refused", node_types=(),
        reason="main() calls self.process(input_state) and formats the result at once; a node's "
        "process() is async, so main() would format an unawaited coroutine",
        evidence=(("quote", "output_state = self.process(input_state)"),),
    ),
    MixinInfo(
        "MixinToolExecution", "omnibase_core.mixins.mixin_tool_execution", "integration",
        "answers tool-execution request events by calling process()", "refused", node_types=(),
        reason="it calls self.process(input_state) without awaiting it (a node's process() is async) "
        "and publishes through self.event_bus, which a node does not have",
        evidence=(("quote", "output_state = self.process(input_state)"), ("quote", "self.event_bus.publish(envelope)")),
    ),
    MixinInfo(
        "MixinContractMetadata", "omnibase_core.mixins.mixin_contract_metadata", "contract",
        "loads node.onex.yaml and a tool contract into properties", "refused", node_types=(),
        reason="its __init__ calls self._load_contract(path), which NodeCoreBase defines as "
        "async _load_contract(self) with no argument: creating the node raises TypeError",
        evidence=(("init-fails", "_load_contract() takes 1 positional argument"),),
    ),
    MixinInfo(
        "MixinNodeSetup", "omnibase_core.mixins.mixin_node_setup", "contract",
        "contract, version and path properties for a node directory", "refused", node_types=(),
        reason="it defines node_id as a read-only property, and NodeCoreBase.__init__ assigns "
        "self.node_id: creating the node raises AttributeError",
        evidence=(("init-fails", "property 'node_id'"),),
    ),
    MixinInfo(
        "MixinEventDrivenNode", "omnibase_core.mixins.mixin_event_driven_node", "orchestration",
        "introspection, event handling and lifecycle events for event-driven tools", "refused", node_types=(),
        reason="its __init__ requires node_id and event_bus, and NodeCoreBase.__init__ calls "
        "super().__init__() without arguments: creating the node raises TypeError",
        evidence=(("init-fails", "missing 2 required positional arguments: 'node_id' and 'event_bus'"),),
    ),
    MixinInfo(
        "MixinNodeExecutor", "omnibase_core.mixins.mixin_node_executor", "execution",
        "a persistent executor loop for tool invocations", "refused", node_types=(),
        reason="it extends MixinEventDrivenNode (its __init__ requires node_id and event_bus, which "
        "NodeCoreBase does not pass) and calls self.run(), which no node defines",
        evidence=(("init-fails", "missing 2 required positional arguments"), ("quote", "run_method = self.run")),
    ),
    MixinInfo(
        "MixinEventHandler", "omnibase_core.mixins.mixin_event_handler", "event_driven",
        "subscribes introspection and discovery request handlers", "refused", node_types=(),
        reason=_EVENT_DRIVEN, evidence=(("quote", 'event_bus = getattr(self, "event_bus", None)'),),
    ),
    MixinInfo(
        "MixinNodeLifecycle", "omnibase_core.mixins.mixin_node_lifecycle", "infrastructure",
        "NODE_ANNOUNCE registration and start/success/failure events", "refused", node_types=(),
        reason=_EVENT_DRIVEN, evidence=(("quote", 'event_bus = getattr(self, "event_bus", None)'),),
    ),
    MixinInfo(
        "MixinIntrospectionPublisher", "omnibase_core.mixins.mixin_introspection_publisher", "discovery",
        "gathers introspection data and publishes NODE_INTROSPECTION_EVENT", "refused", node_types=(),
        reason=_EVENT_DRIVEN, evidence=(("quote", 'event_bus = getattr(self, "event_bus", None)'),),
    ),
    MixinInfo(
        "MixinRequestResponseIntrospection", "omnibase_core.mixins.mixin_request_response_introspection",
        "introspection", "answers REQUEST_INTROSPECTION events with live status", "refused", node_types=(),
        reason="it reads self._event_bus, self._registry and self._logger, which only "
        "MixinEventDrivenNode's __init__ sets (and it cannot serve a node)",
        evidence=(("quote", 'if not hasattr(self, "_event_bus") or self._event_bus is None:'),),
    ),
    MixinInfo(
        "MixinServiceRegistry", "omnibase_core.mixins.mixin_service_registry", "discovery",
        "a live catalogue of the tools other nodes announce", "refused", node_types=(),
        reason="it subscribes through self.event_bus and schedules on self.event_loop, neither of which "
        "a node has (only MixinEventDrivenNode sets event_bus)",
        evidence=(("quote", 'if hasattr(self, "event_bus") and self.event_bus:'),),
    ),
    MixinInfo(
        "MixinDebugDiscoveryLogging", "omnibase_core.mixins.mixin_debug_discovery_logging", "observability",
        "debug logging wrapped around a node's introspection handler", "refused", node_types=(),
        reason="it wraps self._handle_introspection_request, which only MixinEventHandler defines "
        "(refused above): on a node it has nothing to wrap",
        evidence=(("quote", 'if hasattr(self, "_handle_introspection_request"):'),),
    ),
    MixinInfo(
        "MixinNodeIntrospection", "omnibase_core.mixins.mixin_introspection", "observability",
        "class-level introspection for a node's --introspect command", "refused", node_types=(),
        reason="it is abstract: the node class would have to define get_metadata_loader(), and a "
        "declarative node defines no method of its own",
        evidence=(("abstract", "get_metadata_loader"),),
    ),
    MixinInfo(
        "MixinContractStateReducer", "omnibase_core.mixins.mixin_contract_state_reducer", "state_management",
        "a synchronous reducer over state transitions of a tool contract", "refused", node_types=(),
        reason="it loads contracts/contract_state_transitions.yaml from tool folders inside the "
        "framework's own package (Path(__file__).parent.parent), never beside a node; a reducer's "
        "state machine runs through NodeReducer's MixinFSMExecution (declare state_machine)",
        evidence=(("quote", "contract_state_transitions.yaml"), ("quote", "current_dir = Path(__file__).parent.parent")),
    ),
    MixinInfo(
        "MixinContractPublisher", "omnibase_core.mixins.mixin_contract_publisher", "discovery",
        "publishes the node's contract on start, with heartbeats", "refused", node_types=(),
        reason="it needs _init_contract_publisher(container, publisher) called in the node's "
        "__init__ after super().__init__() (its own docstring), and a declarative node's __init__ "
        "only calls super().__init__(container)",
        evidence=(("quote", "Must be called in node's __init__ after super().__init__()"),),
    ),
    MixinInfo(
        "MixinIntrospectFromContract", "omnibase_core.mixins.mixin_introspect_from_contract", "introspection",
        "introspect(): the contract YAML beside the node's module", "refused", node_types=(),
        reason="it refuses any class outside the omnibase_core., omnibase_spi. and omnibase. "
        "namespaces (_get_node_dir), and generated nodes live in their own packages",
        evidence=(("quote", "Module not in allowed namespace"),),
    ),
    MixinInfo(
        "MixinNodeIdFromContract", "omnibase_core.mixins.mixin_node_id_from_contract", "contract",
        "_load_node_id(): the node's name from its contract", "refused", node_types=(),
        reason="it refuses classes outside the omnibase namespaces unless OMNIBASE_ALLOWED_NAMESPACES "
        "says otherwise, and it gives a name where NodeCoreBase already holds a UUID node_id",
        evidence=(("quote", "not in allowed namespaces"),),
    ),
    MixinInfo(
        "MixinDiscovery", "omnibase_core.mixins.mixin_discovery", "discovery",
        "queries mixin_metadata.yaml: a catalogue of mixins for code generators", "refused", node_types=(),
        reason="it is a tool over the framework's mixin_metadata.yaml, not node behaviour, and its "
        "__init__(mixins_path) does not call super().__init__(), so it would end the bases' "
        "initialisation chain",
        evidence=(("quote", 'self.metadata_path = self.mixins_path / "mixin_metadata.yaml"'),),
    ),
    MixinInfo(
        "MixinLazyValue", "omnibase_core.mixins.mixin_lazy_value", "performance",
        "a lazily computed value wrapper", "refused", node_types=(),
        reason="it is a value object (__init__(func, cache)), not a mixin a class inherits: creating "
        "a node with it raises TypeError",
        evidence=(("init-fails", "missing 1 required positional argument: 'func'"),),
    ),
    MixinInfo(
        "MixinLazyEvaluation", "omnibase_core.mixins.mixin_lazy_evaluation", "performance",
        "lazily cached model_dump() and string conversions", "refused", node_types=(),
        reason=_PYDANTIC, evidence=(("quote", "lazy_model_dump requires BaseModel instance"),),
    ),
    MixinInfo(
        "MixinSensitiveFieldRedaction", "omnibase_core.mixins.mixin_redaction", "security",
        "model_dump_redacted(): secrets masked in a model's dump", "refused", node_types=(),
        reason=_PYDANTIC, evidence=(("quote", "data: SerializedDict = self.model_dump(**kwargs)"),),
    ),
    MixinInfo(
        "MixinYAMLSerialization", "omnibase_core.mixins.mixin_yaml_serialization", "data_management",
        "to_yaml_block(): a model as a commented YAML block", "refused", node_types=(),
        reason=_PYDANTIC, evidence=(("quote", 'Requires self to implement model_dump(mode="json")'),),
    ),
    MixinInfo(
        "MixinHashComputation", "omnibase_core.mixins.mixin_hash_computation", "data_management",
        "compute_hash(): the canonical hash of a node metadata block", "refused", node_types=(),
        reason="it requires self to be a NodeMetadataBlock (a pydantic model of a file's metadata "
        "stamp), and a node is not one",
        evidence=(("quote", "Requires self to be a NodeMetadataBlock"),),
    ),
    MixinInfo(
        "MixinTruncationValidation", "omnibase_core.mixins.mixin_truncation_validation", "validation",
        "a model validator for truncated snapshots", "refused", node_types=(),
        reason="it is a pydantic @model_validator over a snapshot model's truncated / size fields, "
        "and a node is not such a model",
        evidence=(("quote", '@model_validator(mode="after")'),),
    ),
    MixinInfo(
        "MixinNodeTypeValidator", "omnibase_core.mixins.mixin_node_type_validator", "validation",
        "a node_type field validator for contract models", "refused", node_types=(),
        reason="it is a pydantic @field_validator for the node_type field of contract models, and a "
        "node is not a contract model",
        evidence=(("quote", '@field_validator("node_type", mode="before")'),),
    ),
    MixinInfo(
        "MixinCanonicalYAMLSerializer", "omnibase_core.mixins.mixin_canonical_serialization", "data_management",
        "canonical YAML for metadata stamping and hashing", "refused", node_types=(),
        reason="it is a serializer (it implements ProtocolCanonicalSerializer over the data it is "
        "given and never reads the node), an object to call, not behaviour a node inherits",
        evidence=(("protocol", "ProtocolCanonicalSerializer"),),
    ),
    MixinInfo(
        "MixinSerializable", "omnibase_core.mixins.mixin_serializable", "data_management",
        "the to_serializable_dict / from_serializable_dict protocol for models", "refused", node_types=(),
        reason="it is a typing.Protocol: it declares methods for models and implements none",
        evidence=(("protocol", "Protocol"),),
    ),
)

BY_NAME: dict[str, MixinInfo] = {info.name: info for info in CATALOGUE}


@dataclass(frozen=True)
class CodeEvidence:
    """One piece of what the framework's code shows, located in the installed framework."""

    kind: str
    text: str
    file: str | None = None  # relative to the framework's package folder, for a quote
    line: int | None = None

    def describe(self) -> str:
        if self.kind == "quote":
            where = f"{self.file}:{self.line}" if self.line else f"{self.file} (not found in the installed framework)"
            return f"{where}: {self.text}"
        if self.kind == "init-fails":
            return f"creating a node with it raises: ...{self.text}..."
        if self.kind == "abstract":
            return f"abstract method {self.text}()"
        return f"a typing Protocol ({self.text} among its bases)"

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "text": self.text, "file": self.file, "line": self.line}


def code_evidence(info: MixinInfo) -> list[CodeEvidence]:
    """``info.evidence`` with each quote's file and line in the installed framework
    (found without importing it); the test suite checks every piece."""
    import importlib.util

    found = importlib.util.find_spec(EXPORTED_FROM.split(".")[0])
    roots = list(found.submodule_search_locations or []) if found else []
    relative = Path(*info.module.split(".")[1:]).with_suffix(".py")
    lines: list[str] = []
    for root in roots:
        if (Path(root) / relative).is_file():
            lines = (Path(root) / relative).read_text(encoding="utf-8").splitlines()
            break
    pieces = []
    for kind, text in info.evidence:
        if kind != "quote":
            pieces.append(CodeEvidence(kind, text))
            continue
        line = next((number for number, source in enumerate(lines, 1) if text in source), None)
        pieces.append(CodeEvidence(kind, text, f"{EXPORTED_FROM.split('.')[0]}/{relative.as_posix()}", line))
    return pieces

# Pairs that define the same method with different signatures, so one silently
# shadows the other (derived from the classes by the test suite).
CLASHES: dict[frozenset[str], str] = {
    frozenset({"MixinNodeService", "MixinEventBus"}): (
        "both define _log_info and _log_error: MixinNodeService._log_info(message) shadows "
        "MixinEventBus._log_info(message, pattern), and publish_event() then raises TypeError; "
        "codegen-ast composes them only with its publish_event fix, as it does for the "
        "framework's ModelServiceEffect and ModelServiceOrchestrator"
    ),
    frozenset({"MixinHealthCheck", "MixinDiscoveryResponder"}): (
        "both define get_health_status: MixinHealthCheck's returns a TypedDict, "
        "MixinDiscoveryResponder's the str its discovery response needs; the node holds a "
        "responder instead"
    ),
}


@dataclass(frozen=True)
class PairVerdict:
    node_type: str
    first: str
    second: str
    allowed: bool
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"node_type": self.node_type, "pair": [self.first, self.second], "allowed": self.allowed,
                "reason": self.reason}


def available(node_type: str) -> list[MixinInfo]:
    """The mixins a node of ``node_type`` can have: those its base provides, those it may add,
    and those it may hold (as bases, in the matrix: that is where they would clash)."""
    provided = [info for info in CATALOGUE if node_type in info.provided_by]
    added = [info for info in CATALOGUE if info.use in ("base", "registry") and node_type in info.node_types]
    return provided + added


def pair_verdict(first: MixinInfo, second: MixinInfo, node_type: str) -> PairVerdict:
    clash = CLASHES.get(frozenset({first.name, second.name}))
    if clash is not None:
        return PairVerdict(node_type, first.name, second.name, False, clash)
    both_provided = node_type in first.provided_by and node_type in second.provided_by
    reason = "both come with the node base" if both_provided else "no shared name, cooperative __init__s"
    return PairVerdict(node_type, first.name, second.name, True, reason)


def pair_verdicts() -> list[PairVerdict]:
    """The compatibility matrix: every pair of the mixins a node type can have, per node type."""
    verdicts = []
    for node_type in NODE_TYPES:
        mixins = available(node_type)
        for index, first in enumerate(mixins):
            for second in mixins[index + 1 :]:
                verdicts.append(pair_verdict(first, second, node_type))
    return verdicts


def ordered_bases(node_type: str, names: Sequence[str]) -> tuple[list[MixinInfo], list[MixinInfo]]:
    """The mixins ``names`` (those the node base lacks) split into the ones that go before
    the node base and the ones after it, in the order given."""
    added = [BY_NAME[name] for name in names if node_type not in BY_NAME[name].provided_by]
    return [info for info in added if info.first], [info for info in added if not info.first]


# clashes codegen-ast mends in the code it generates (patterns/events: the publish_event fix)
MENDED_CLASHES = frozenset({frozenset({"MixinNodeService", "MixinEventBus"})})


def refusal(name: str, node_type: str) -> str | None:
    """Why ``name`` cannot be a base of a ``node_type`` node, or None when it can (or its base has it)."""
    info = BY_NAME.get(name)
    if info is None:
        return f"omnibase-core 0.47.57 has no mixin {name}"
    if node_type in info.provided_by or (info.use == "base" and node_type in info.node_types):
        return None
    if info.use == "refused":
        return info.reason
    if info.use == "registry":
        return f"it reaches the node as an object the node holds, not as a base: {info.reason}"
    if info.use == "base":
        return f"it serves {'/'.join(info.node_types)} nodes" + (f"; {info.requires}" if info.requires else "")
    return info.reason  # provided by other node types' bases only


def composition_clashes(names: Sequence[str]) -> list[str]:
    """The clashes between mixins composed together that codegen-ast does not mend."""
    chosen = set(names)
    return [reason for pair, reason in CLASHES.items() if pair <= chosen and pair not in MENDED_CLASHES]

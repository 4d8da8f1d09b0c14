"""Stage 2, structure: is each node an ONEX node the framework can load and run?

Checks every node class (see ``nodes.find_node_classes``) against its package's
contract.yaml, which is loaded by omnibase-core's own contract model in the
target Python (after the framework's normalizer); the handlers the contract
names (``routing``); and the production patterns the seed plan's 8.4 test asked
for (health checks, metrics, envelope events), adapted to omnibase-core 0.47.

A node comes in one of two shapes. **Imperative**: its class overrides
``process`` (STR003/STR004 check it), and the patterns are looked for in the
class. **Declarative**: it does not, and its contract says what runs it
(handler routing, or a reducer's state machine / an orchestrator's workflow):
its class must be a shell (``declarative``, DCL001), the patterns are looked
for in the handlers the contract names, followed through their bases.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from codegen_ast.manifest import read_manifest
from codegen_ast.validate.contracts import (
    UNREADABLE,
    ContractProblem,
    LoadedContract,
    fix_for,
    from_answer,
    read_contract,
)
from codegen_ast.validate.declarative import shell_findings
from codegen_ast.validate.modules import ModuleIndex
from codegen_ast.validate.nodes import (
    KIND_SUFFIX,
    ClassResolver,
    Lineage,
    NodeClass,
    find_node_classes,
    is_node_file,
)
from codegen_ast.validate.routing import HandlerReference, handler_file_findings, handler_references, routing_findings
from codegen_ast.validate.rules import Finding, Rule
from codegen_ast.validate.source import CONTRACT_NAME, Workspace

_RECOMMENDED_BASE = {
    "effect": "ModelServiceEffect (or NodeEffect)",
    "compute": "ModelServiceCompute (or NodeCompute)",
    "reducer": "ModelServiceReducer (or NodeReducer)",
    "orchestrator": "ModelServiceOrchestrator (or NodeOrchestrator)",
}
_CONTRACT_MODEL = {
    "effect": "ModelContractEffect",
    "compute": "ModelContractCompute",
    "reducer": "ModelContractReducer",
    "orchestrator": "ModelContractOrchestrator",
}
_METRIC_CALLS = frozenset(
    {"increment_counter", "record_metric", "record_histogram", "_update_processing_metrics", "inc", "observe"}
)
_EVENT_NAMES = frozenset({"ModelEventEnvelope", "publish_event", "publish_async", "bind_event_bus"})
_HEALTH_METHODS = ("get_health_checks", "health_check", "health_check_async")

CLASS_NAME = Rule(
    "STR001", "structure", "error",
    "node class is not named Node<Name><Kind>",
    "rename the class Node<Name><Kind>, e.g. NodeOrdersEffect for an effect node named orders",
)
BASE_CLASS = Rule(
    "STR002", "structure", "error",
    "node class does not extend the ONEX base class its node_type needs",
    "extend the base class of the contract's node_type (EFFECT_GENERIC: ModelServiceEffect or NodeEffect)",
)
NO_PROCESS = Rule(
    "STR003", "structure", "error",
    "node class does not override process(), and its contract routes to no handler",
    "define `async def process(self, input_data)` (the framework's default fails at run time "
    "with CONFIGURATION_ERROR unless a subcontract is loaded), or make the node declarative: "
    "name its handlers in contract.yaml's handler_routing and keep the class a shell",
)
PROCESS_SIGNATURE = Rule(
    "STR004", "structure", "error",
    "process() is not async or has the wrong parameters",
    "declare `async def process(self, input_data: ...) -> ...` "
    "(reducers: `async def process(self, input_data, projection_intents=())`)",
)
NO_CONTRACT = Rule(
    "STR005", "structure", "error",
    "no contract.yaml beside the node",
    "add contract.yaml beside the node module (name, contract_version, node_version, node_type, "
    "description, input_model, output_model)",
)
CONTRACT_INVALID = Rule(
    "STR006", "structure", "error",
    "contract.yaml cannot be read as an ONEX contract",
    "write contract.yaml as a YAML mapping with a node_type of EFFECT_GENERIC, COMPUTE_GENERIC, "
    "REDUCER_GENERIC or ORCHESTRATOR_GENERIC",
)
CONTRACT_REFUSED = Rule(
    "STR009", "structure", "warning",
    "omnibase-core's typed contract model refuses contract.yaml (after the framework's normalizer)",
    "correct the contract so that omnibase-core's contract model accepts it",
)
CARRIED_REFUSED = Rule(
    "STR012", "structure", "note",
    "omnibase-core's typed contract model refuses a section codegen-ast carried unchanged from the source contract",
    "the section is the source contract's, as written (nothing rewritten, nothing dropped): correct it there, "
    "or drop it from the source with `codegen-ast new --set KEY=null`",
)
CONTRACT_WARNING = Rule(
    "STR007", "structure", "warning",
    "omnibase-core warned while loading contract.yaml",
    "address the framework's warning (for effects: declare io_operations)",
)
MODEL_MISSING = Rule(
    "STR008", "structure", "error",
    "the input/output model class named in contract.yaml does not exist",
    "point input_model/output_model at the dotted path of an existing class, or create the class",
)
NO_HEALTH_CHECKS = Rule(
    "PAT001", "structure", "warning",
    "node defines no health checks",
    "override get_health_checks() to return at least a self check "
    "(list[Callable[[], ModelHealthStatus | asyncio.Future[ModelHealthStatus]]])",
)
NO_METRICS = Rule(
    "PAT002", "structure", "warning",
    "node records no metrics",
    "mix in MixinMetrics (the ModelService* wrappers include it) and record operations with "
    "increment_counter / record_histogram in process()",
)
NO_EVENTS = Rule(
    "PAT003", "structure", "warning",
    "node cannot publish envelope events",
    "extend ModelServiceEffect / ModelServiceOrchestrator, or mix in MixinEventBus and publish "
    "ModelEventEnvelope events with publish_event()",
)
PUBLISH_DEFECT = Rule(
    "PAT004", "structure", "warning",
    "publish_event() raises TypeError on this class (omnibase-core 0.47 defect)",
    "override _log_info(message, pattern=None) and _log_error(message, pattern=None, error=None) "
    "to dispatch to MixinNodeService or MixinEventBus by whether `pattern` was given",
)
RULES = (
    CLASS_NAME, BASE_CLASS, NO_PROCESS, PROCESS_SIGNATURE, NO_CONTRACT, CONTRACT_INVALID,
    CONTRACT_WARNING, MODEL_MISSING, CONTRACT_REFUSED, CARRIED_REFUSED, NO_HEALTH_CHECKS, NO_METRICS, NO_EVENTS,
    PUBLISH_DEFECT,
)


@dataclass
class _Context:
    workspace: Workspace
    index: ModuleIndex
    resolver: ClassResolver
    contracts: dict[str, LoadedContract]  # by folder
    handlers: dict[str, list[HandlerReference]]  # by folder: what each contract names


def check_structure(workspace: Workspace, index: ModuleIndex) -> list[Finding]:
    resolver = ClassResolver(index)
    nodes = find_node_classes(workspace, resolver)
    contract_paths = set(workspace.contracts)
    contract_paths |= {
        node.package_dir / CONTRACT_NAME for node in nodes if (node.package_dir / CONTRACT_NAME).is_file()
    }
    contracts = _load_contracts(sorted(contract_paths), index)
    handlers = {folder: handler_references(contract, index, resolver) if contract.readable else []
                for folder, contract in contracts.items()}
    context = _Context(workspace, index, resolver, contracts, handlers)
    findings: list[Finding] = []
    for folder, contract in context.contracts.items():
        findings += _check_contract(contract, context)
        findings += routing_findings(contract, handlers[folder], workspace)
    for node in nodes:
        findings += _check_node(node, context)
    return list(dict.fromkeys(findings))  # a shared local base or contract is reported once


def _load_contracts(paths: list[Path], index: ModuleIndex) -> dict[str, LoadedContract]:
    if not paths:
        return {}
    texts: dict[str, str] = {}
    loaded: dict[str, LoadedContract] = {}
    for path in paths:
        text, refused = read_contract(path)
        if text is not None:
            texts[str(path)] = text
        else:
            loaded[str(path.parent)] = LoadedContract(path=path, errors=[refused] if refused else [])
    answer = index.target.ask({"contracts": [{"id": key, "text": text} for key, text in texts.items()]}) if texts else {}
    for key, text in texts.items():
        path = Path(key)
        loaded[str(path.parent)] = from_answer(path, text, answer["contracts"][key])
    # the model and handler modules the contracts name: ask the target about them now, in one go
    wanted: list[str] = []
    for contract in loaded.values():
        for module in contract.module_references():
            _, decided = index.local(module, contract.path)
            if not decided:
                wanted.append(module)
    index.ask_target(wanted)
    return loaded


def _check_contract(contract: LoadedContract, context: _Context) -> list[Finding]:
    shown = context.workspace.display(contract.path)
    model = _CONTRACT_MODEL.get(contract.kind or "", "contract model")
    carried = carried_sections(contract) if any(problem.kind not in UNREADABLE for problem in contract.errors) else {}
    findings = [
        _carried_refusal(problem, shown, model)
        if problem.key.split(".", 1)[0] in carried
        else (CONTRACT_INVALID if problem.kind in UNREADABLE else CONTRACT_REFUSED).finding(
            shown,
            problem.line,
            f"{problem.key}: {problem.message}" if problem.key else problem.message,
            fix=fix_for(problem, model),
        )
        for problem in contract.errors
    ]
    findings += [
        CONTRACT_REFUSED.finding(
            shown,
            contract.key_line(key),
            f"{key}: not a key of {model}, and it looks like {known!r}",
            fix=f"rename it {known!r} (the framework's normalizer files keys {model} does not define "
            "under annotations, where nothing reads them)",
        )
        for key, known in contract.misspelt_keys()
    ]
    findings += [
        CONTRACT_WARNING.finding(shown, 1, f"omnibase-core warned: {message}") for message in contract.warnings
    ]
    for key in ("input_model", "output_model"):
        reference = contract.model_reference(key)
        if reference is None:
            continue
        module, name = reference
        location = context.index.reference(module, contract.path)
        line = contract.key_line(key)
        if location is None:
            findings.append(
                MODEL_MISSING.finding(shown, line, f"{key}: module {module!r} not found (looking for {name})")
            )
        elif context.index.has_attribute(location, name) is False:
            findings.append(MODEL_MISSING.finding(shown, line, f"{key}: {module} defines no class {name!r}"))
    return findings


def carried_sections(contract: LoadedContract) -> dict[str, object]:
    """The top-level sections of ``contract`` that codegen-ast carried unchanged from the
    source contract (its manifest's spec: kept and carried sections), still as written."""
    if not isinstance(contract.data, dict):
        return {}
    spec = read_manifest(contract.path.parent).spec
    declared = spec.declared if spec is not None else None
    if declared is None:
        return {}
    written = {**declared.carried, **declared.kept}
    return {key: value for key, value in written.items() if key in contract.data and contract.data[key] == value}


def _carried_refusal(problem: ContractProblem, shown: str, model: str) -> Finding:
    key = problem.key.split(".", 1)[0]
    return CARRIED_REFUSED.finding(
        shown,
        problem.line,
        f"{problem.key}: {problem.message} ({key!r} is carried unchanged from the source contract; "
        f"the framework's runtime reads the contract as a mapping, only its strict {model} refuses it)",
        fix=f"correct {key!r} in the source contract, or drop it as it is read: codegen-ast new --set {key}=null",
    )


def _check_node(node: NodeClass, context: _Context) -> list[Finding]:
    shown = node.source.display
    line = node.node.lineno
    contract = context.contracts.get(str(node.package_dir))
    findings: list[Finding] = []
    if contract is None:
        findings.append(
            NO_CONTRACT.finding(shown, line, f"{node.name}: no {CONTRACT_NAME} in {node.package_dir.name}/")
        )
    base_kinds = node.lineage.kinds
    kind = (contract.kind if contract else None) or _only(base_kinds) or _kind_from_names(node)
    findings += _check_name(node, kind, contract, shown)
    findings += _check_base(node, kind if contract and contract.kind else None, shown)
    if contract is not None and is_declarative(node, contract):
        findings += shell_findings(node, context.workspace.display)
        findings += handler_file_findings(contract, context.workspace)
        references = context.handlers[str(node.package_dir)]
        read = [reference.found for reference in references if reference.found is not None]
        if len(read) == len(references):  # else a handler cannot be read (STR010, or installed): stay silent
            lineages = [context.resolver.lineage(cls.node, cls.path, cls.tree) for cls in read]
            findings += _check_handler_patterns(node, kind, contract, lineages)
    else:
        findings += _check_process(node, kind, context.workspace)
        findings += _check_patterns(node, kind, shown)
    return findings


def is_declarative(node: NodeClass, contract: LoadedContract) -> bool:
    """No process() of its own, and a contract that says what runs the node."""
    return node.lineage.method("process") is None and contract.readable and contract.declares_behaviour()


def _only(kinds: set[str]) -> str | None:
    return next(iter(kinds)) if len(kinds) == 1 else None


def _kind_from_names(node: NodeClass) -> str | None:
    for kind, suffix in KIND_SUFFIX.items():
        if node.name.endswith(suffix) or (is_node_file(node.source.path) and node.source.path.stem.endswith(kind)):
            return kind
    return None


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def _check_name(node: NodeClass, kind: str | None, contract: LoadedContract | None, shown: str) -> list[Finding]:
    suffixes = [KIND_SUFFIX[kind]] if kind else list(KIND_SUFFIX.values())
    pattern = rf"Node[A-Z][A-Za-z0-9]*?({'|'.join(suffixes)})"
    if re.fullmatch(pattern, node.name) and node.name not in {f"Node{s}" for s in suffixes}:
        return []
    stem = node.name.removeprefix("Node")
    for suffix in KIND_SUFFIX.values():
        stem = stem.removesuffix(suffix)
    if contract is not None and contract.name:
        stem = _camel(contract.name)
    suffix = KIND_SUFFIX[kind] if kind else "<Kind>"
    expected = f"Node{stem or '<Name>'}{suffix}"
    return [
        CLASS_NAME.finding(
            shown, node.node.lineno, f"{node.name} is not named Node<Name><Kind>", fix=f"rename it {expected}",
        )
    ]


def _check_base(node: NodeClass, contract_kind: str | None, shown: str) -> list[Finding]:
    kinds = node.lineage.kinds
    line = node.node.lineno
    if not kinds:
        if node.lineage.unresolved:
            return []  # it may inherit a node base through a package we do not read
        wanted = _RECOMMENDED_BASE[contract_kind] if contract_kind else "an ONEX node base class"
        return [BASE_CLASS.finding(shown, line, f"{node.name} does not extend an ONEX node base class",
                                   fix=f"extend {wanted}")]
    if contract_kind and contract_kind not in kinds:
        bases = ", ".join(sorted(name for name in node.lineage.framework if "Mixin" not in name))
        return [
            BASE_CLASS.finding(
                shown, line,
                f"{node.name} extends {bases} ({'/'.join(sorted(kinds))}) but its contract's "
                f"node_type is {contract_kind.upper()}_GENERIC",
                fix=f"extend {_RECOMMENDED_BASE[contract_kind]}, or correct node_type in {CONTRACT_NAME}",
            )
        ]
    return []


def _check_process(node: NodeClass, kind: str | None, workspace: Workspace) -> list[Finding]:
    found = node.lineage.method("process")
    if found is None:
        return [NO_PROCESS.finding(node.source.display, node.node.lineno,
                                   f"{node.name} does not override process(), and no {CONTRACT_NAME} "
                                   "routes it to a handler")]
    owner, method = found
    where = workspace.display(owner.path)  # process may be inherited from a local base
    problems: list[str] = []
    if not isinstance(method, ast.AsyncFunctionDef):
        problems.append("process must be `async def`: callers await it")
    arguments = method.args
    names = [argument.arg for argument in (*arguments.posonlyargs, *arguments.args)]
    required = names[: len(names) - len(arguments.defaults)]
    expected = "self, input_data, projection_intents=()" if kind == "reducer" else "self, input_data"
    if names[:2] != ["self", "input_data"]:
        problems.append(f"parameters are ({', '.join(names)}); expected ({expected})")
    else:
        fixed = 2
        if kind == "reducer":
            fixed = 3
            if names[2:3] != ["projection_intents"]:
                problems.append(f"parameters are ({', '.join(names)}); expected ({expected})")
            elif "projection_intents" in required:
                problems.append("projection_intents needs a default: `projection_intents=()`")
        if required[fixed:]:
            problems.append(f"extra required parameters: {', '.join(required[fixed:])}")
    keyword_only = [
        argument.arg
        for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
        if default is None
    ]
    if keyword_only:
        problems.append(f"required keyword-only parameters: {', '.join(keyword_only)}")
    return [
        PROCESS_SIGNATURE.finding(where, method.lineno, f"{node.name}.process: {problem}")
        for problem in problems
    ]


def _check_patterns(node: NodeClass, kind: str | None, shown: str) -> list[Finding]:
    findings: list[Finding] = []
    line = node.node.lineno
    lineage = node.lineage
    local_bodies = [owner.node for owner in lineage.local]
    if lineage.method("get_health_checks") is None:
        findings.append(NO_HEALTH_CHECKS.finding(shown, line, f"{node.name} defines no get_health_checks()"))
    if not any(_calls(body, _METRIC_CALLS) for body in local_bodies):
        findings.append(NO_METRICS.finding(shown, line, f"{node.name} records no metrics"))
    mixins = lineage.mixins
    if kind in ("effect", "orchestrator") and not lineage.unresolved:
        module_tree = node.source.tree
        uses_events = module_tree is not None and _mentions(module_tree, _EVENT_NAMES)
        if "MixinEventBus" not in mixins and not uses_events:
            findings.append(
                NO_EVENTS.finding(
                    shown, line,
                    f"{node.name} cannot publish envelope events: no MixinEventBus, no ModelEventEnvelope",
                )
            )
    if {"MixinNodeService", "MixinEventBus"} <= mixins:
        missing = [name for name in ("_log_info", "_log_error") if lineage.method(name) is None]
        if missing:
            findings.append(
                PUBLISH_DEFECT.finding(
                    shown, line,
                    f"{node.name}.publish_event() raises TypeError after delivering: "
                    f"MixinNodeService's {' and '.join(missing)} shadow MixinEventBus's",
                )
            )
    return findings


def _check_handler_patterns(
    node: NodeClass, kind: str | None, contract: LoadedContract, handlers: list[Lineage]
) -> list[Finding]:
    """PAT001-PAT003 for a declarative node: what its handlers (the classes the contract
    names, and their bases) do; the node's own class when the contract names none."""
    shown, line = node.source.display, node.node.lineno
    sources = handlers or [node.lineage]
    names = sorted({lineage.local[0].name for lineage in sources})
    named = f"{', '.join(names)} or {'its' if len(names) == 1 else 'their'}"
    findings: list[Finding] = []
    if not any(lineage.method(name) for lineage in sources for name in _HEALTH_METHODS):
        findings.append(NO_HEALTH_CHECKS.finding(
            shown, line, f"{node.name}: no health checks in {named} bases",
            fix="give the handlers a health_check() that probes what they depend on (the framework's "
            "MixinHealthCheck on the resources they share, in registry/)"))
    if not any(_calls(owner.node, _METRIC_CALLS) for lineage in sources for owner in lineage.local):
        findings.append(NO_METRICS.finding(
            shown, line, f"{node.name}: no metrics recorded in {named} bases",
            fix="record each operation in the handlers (MixinMetrics' increment_counter / record_histogram "
            "on the resources they share)"))
    unresolved = any(lineage.unresolved for lineage in sources)
    if kind in ("effect", "orchestrator") and not unresolved and not _publishes(contract, [*sources, node.lineage]):
        findings.append(NO_EVENTS.finding(
            shown, line,
            f"{node.name} cannot publish envelope events: its contract declares no terminal_event, "
            f"publish_topics or output_events, and nothing in {named} bases publishes",
            fix="declare the events in contract.yaml (event_bus.publish_topics, terminal_event) so the runtime "
            "publishes the handlers' answers, or publish ModelEventEnvelope events from the handlers"))
    return findings


def _publishes(contract: LoadedContract, lineages: list[Lineage]) -> bool:
    """The runtime publishes what the contract declares; handlers may publish themselves."""
    data = contract.data if isinstance(contract.data, dict) else {}
    bus = data.get("event_bus")
    entries = contract.routing.get("handlers")
    if data.get("terminal_event") or (isinstance(bus, dict) and bus.get("publish_topics")):
        return True
    if isinstance(entries, list) and any(isinstance(entry, dict) and entry.get("output_events") for entry in entries):
        return True
    return any(
        "MixinEventBus" in lineage.mixins or any(_mentions(owner.tree, _EVENT_NAMES) for owner in lineage.local)
        for lineage in lineages
    )


def _calls(tree: ast.AST, names: frozenset[str]) -> bool:
    for item in ast.walk(tree):
        if isinstance(item, ast.Call):
            function = item.func
            called = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            if called in names:
                return True
    return False


def _mentions(tree: ast.AST, names: frozenset[str]) -> bool:
    for item in ast.walk(tree):
        if isinstance(item, ast.Name) and item.id in names:
            return True
        if isinstance(item, ast.Attribute) and item.attr in names:
            return True
        if isinstance(item, ast.alias) and (item.asname or item.name).split(".")[-1] in names:
            return True
    return False


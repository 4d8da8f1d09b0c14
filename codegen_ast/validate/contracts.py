"""contract.yaml: loaded by omnibase-core's contract models in the target Python,
after the framework's own normalizer, with every problem pointed at the line of
the key it concerns; and what the contract says about its handlers."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from codegen_ast.errors import SpecError
from codegen_ast.readers.yaml_source import parse_yaml, read_input


# pydantic errors that only repeat that another field failed
_CASCADES = frozenset({"default_factory_not_called"})
# problems that leave no contract to read at all (every framework reader refuses it)
UNREADABLE = frozenset({"input", "yaml", "not_a_mapping", "node_type"})
# the subcontract the framework's base class runs by itself, by node kind
_RUN_BY_BASE = {"reducer": "state_machine", "orchestrator": "workflow_coordination"}


@dataclass
class ContractProblem:
    line: int
    key: str  # dotted location, "" for the whole contract
    message: str
    kind: str  # pydantic error type, "yaml", "node_type", ...


@dataclass
class LoadedContract:
    """What the framework said about one contract.yaml."""

    path: Path
    kind: str | None = None
    loaded: bool = False
    errors: list[ContractProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    data: Any = None  # the ruamel round-trip tree (line numbers), None when unparsable
    name: str | None = None
    set_aside: list[str] = field(default_factory=list)  # keys the normalizer filed under annotations
    model_keys: list[str] = field(default_factory=list)  # the typed model's own keys

    @property
    def readable(self) -> bool:
        """The framework can read it as a contract (its typed model may still refuse keys)."""
        return isinstance(self.data, dict) and not any(problem.kind in UNREADABLE for problem in self.errors)

    def misspelt_keys(self) -> list[tuple[str, str]]:
        """(key, model key) for a set-aside key that looks like a model key the contract lacks."""
        absent = [key for key in self.model_keys if not (isinstance(self.data, dict) and key in self.data)]
        found = []
        for key in self.set_aside:
            close = difflib.get_close_matches(key, absent, n=1, cutoff=0.85)
            if close:
                found.append((key, close[0]))
        return found

    @property
    def routing(self) -> dict[str, Any]:
        value = self.data.get("handler_routing") if isinstance(self.data, dict) else None
        return value if isinstance(value, dict) else {}

    def declares_behaviour(self) -> bool:
        """Whether the contract says what runs the node: handler routing (a default
        handler or a handlers table), or the subcontract its base class executes (a
        reducer's state_machine, an orchestrator's workflow_coordination)."""
        routing = self.routing
        if routing.get("default_handler") or routing.get("handlers"):
            return True
        subcontract = _RUN_BY_BASE.get(self.kind or "")
        return bool(subcontract and isinstance(self.data, dict) and self.data.get(subcontract))

    def key_line(self, *loc: object) -> int:
        return locate(self.data, list(loc))

    def model_reference(self, key: str) -> tuple[str, str] | None:
        """(module, class) of ``input_model`` / ``output_model``, in either dialect."""
        if not isinstance(self.data, dict):
            return None
        value = self.data.get(key)
        if isinstance(value, str) and "." in value:
            module, _, name = value.rpartition(".")
            return module, name
        if isinstance(value, dict) and isinstance(value.get("module"), str) and isinstance(value.get("name"), str):
            return str(value["module"]), str(value["name"])
        return None

    def module_references(self) -> list[str]:
        """Every dotted module the contract names: its models' and its handlers'."""
        modules = [reference[0] for key in ("input_model", "output_model")
                   for reference in [self.model_reference(key)] if reference is not None]
        default = self.routing.get("default_handler")
        if isinstance(default, str) and ":" in default:
            modules.append(default.rpartition(":")[0])
        entries = self.routing.get("handlers")
        for entry in entries if isinstance(entries, list) else []:
            handler = entry.get("handler") if isinstance(entry, dict) else None
            if isinstance(handler, dict) and isinstance(handler.get("module"), str):
                modules.append(str(handler["module"]))
        single = self.data.get("handler") if isinstance(self.data, dict) else None
        if isinstance(single, dict) and isinstance(single.get("module"), str):
            modules.append(str(single["module"]))
        return [module for module in modules if "." in module]


# The tree read_contract parsed, by text: read_tree takes it instead of parsing again.
_JUST_READ: dict[str, Any] = {}


def read_tree(text: str) -> Any:
    """The round-trip tree of a contract (for line numbers), None when it is not bounded YAML."""
    if text in _JUST_READ:
        return _JUST_READ.pop(text)
    try:
        return parse_yaml(text, None, comments=False)
    except SpecError:
        return None


def read_contract(path: Path) -> tuple[str | None, ContractProblem | None]:
    """The text of the contract at ``path``, or why it is not sent to the framework.

    Its size, nesting and alias expansion are checked first with the bounded
    reader every spec goes through: an alias bomb would otherwise be expanded
    by the framework's own loader."""
    try:
        text = read_input(path)
        tree = parse_yaml(text, path, comments=False)
    except SpecError as error:
        problem = error.problems[0]
        return None, ContractProblem(problem.line or 1, "", problem.message, "input")
    if len(_JUST_READ) >= 64:  # read but never loaded (upgrade reads some): forget them
        _JUST_READ.clear()
    _JUST_READ[text] = tree
    return text, None


def locate(data: Any, loc: list[object]) -> int:
    """The 1-based line of the deepest key of ``loc`` that exists in ``data``."""
    line = 1
    node = data
    for part in loc:
        if isinstance(node, CommentedMap) and isinstance(part, str) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        # anything else is a pydantic union tag ("function-after[...]"): skip it
    return line


def from_answer(path: Path, text: str, answer: dict[str, Any]) -> LoadedContract:
    contract = LoadedContract(path=path, kind=answer.get("kind"), loaded=bool(answer.get("loaded")))
    contract.data = read_tree(text)
    if isinstance(contract.data, dict) and isinstance(contract.data.get("name"), str):
        contract.name = str(contract.data["name"])
    yaml_error = answer.get("yaml_error")
    if yaml_error:
        contract.errors.append(ContractProblem(int(yaml_error["line"]), "", str(yaml_error["message"]), "yaml"))
    for error in answer.get("errors", []):
        if error.get("type") in _CASCADES:
            continue
        loc = list(error.get("loc", []))
        key = ".".join(str(part) for part in loc if isinstance(part, int) or "[" not in str(part))
        contract.errors.append(
            ContractProblem(contract.key_line(*loc), key, str(error.get("msg", "")), str(error.get("type", "")))
        )
    contract.warnings = [str(message) for message in answer.get("warnings", [])]
    contract.set_aside = [str(key) for key in answer.get("set_aside", [])]
    contract.model_keys = [str(key) for key in answer.get("model_keys", [])]
    return contract


def fix_for(problem: ContractProblem, model: str) -> str:
    leaf = problem.key.rsplit(".", 1)[-1] if problem.key else ""
    if problem.kind == "yaml":
        return "fix the YAML syntax at this line"
    if problem.kind == "input":
        return problem.message.rpartition(": ")[2]
    if problem.kind == "missing":
        return f"add the required key {problem.key!r}"
    if problem.kind == "extra_forbidden":
        return f"remove {leaf!r}: {model} forbids keys it does not define"
    if problem.kind == "node_type":
        return "set node_type to EFFECT_GENERIC, COMPUTE_GENERIC, REDUCER_GENERIC or ORCHESTRATOR_GENERIC"
    where = f"the value of {problem.key!r}" if problem.key else "the contract"
    return f"correct {where} so that omnibase-core's {model} accepts it"

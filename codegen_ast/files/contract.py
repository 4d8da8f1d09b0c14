"""contract.yaml: the ONEX contract, loadable by omnibase-core's own models."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.http.endpoints import io_operation
from codegen_ast.patterns.registry import build_contributions


def semver(text: str) -> dict[str, int]:
    major, minor, patch = (int(part) for part in text.split("."))
    return {"major": major, "minor": minor, "patch": patch}


def kind_sections(context: NodeContext, declarative: bool = False) -> dict[str, Any]:
    """What each contract model requires beyond the common keys (``declarative``: for the
    declarative shape, whose state machine evaluates every condition the contract declares)."""
    kind = context.kind
    if kind.performs_io:
        return {"io_operations": [io_operation(op) for op in context.spec.effective_operations]}
    sections: dict[str, Any] = {}
    if kind.operation_budget_ms is not None:  # the contract does not load without a time budget per operation
        sections["performance"] = {"single_operation_max_ms": kind.operation_budget_ms}
    if kind.computes:
        # without an algorithm every load logs "migration debt" (OMN-9770)
        sections["algorithm"] = {
            "algorithm_type": "operation_dispatch",
            "factors": {"operation": {"weight": 1.0, "calculation_method": "handler_routing"}},
        }
    if kind.keeps_state and context.spec.state_machine is not None:
        sections["state_machine"] = _state_machine(context, declarative)
    return sections


# what the framework's FSM models need of a declared condition / action; others stay in the source only
_CONDITION_KEYS = ("condition_name", "condition_type", "expression")
# the operators the framework's executor evaluates (util_fsm_executor._evaluate_single_condition): the
# imperative node runs its conditions there, which reads any other (exists, min_length...) as false
_EXECUTED = frozenset({"==", "!=", "equals", "not_equals", "<", ">", "<=", ">=", "in", "not_in", "contains", "matches"})
_ACTION_KEYS = ("action_name", "action_type")


def _complete(items: list[Any], keys: tuple[str, ...]) -> bool:
    return bool(items) and all(isinstance(item, dict) and all(key in item for key in keys) for item in items)


def _state_machine(context: NodeContext, declarative: bool = False) -> dict[str, Any]:
    """The FSM subcontract omnibase-core's MixinFSMExecution runs. What a contract declares
    is kept: the machine's name, each state's own keys (description, is_terminal,
    required_data, entry/exit actions...), the terminal states, each transition's
    description and its conditions and actions when they are in the framework's shape."""
    machine = context.spec.state_machine
    assert machine is not None
    version = semver("1.0.0")
    details = {
        str(item.get("state_name") or item.get("name")): item for item in machine.state_details if isinstance(item, dict)
    }
    states = []
    for state in machine.states:
        written = {key: value for key, value in details.get(state, {}).items() if key != "name"}
        if state in machine.terminal_states or written.get("is_terminal"):
            written.setdefault("is_terminal", True)
            written.setdefault("is_recoverable", False)  # the framework refuses a recoverable terminal state
        states.append({"version": version, "state_name": state, "state_type": "operational",
                       "description": f"The {state} state.", **written})
    transitions = []
    for t in machine.transitions:
        transition: dict[str, Any] = {
            "version": version,
            "transition_name": f"{t.trigger}_from_{t.source}",
            "from_state": t.source,
            "to_state": t.target,
            "trigger": t.trigger,
        }
        if t.description:
            transition["description"] = t.description
        conditions = t.conditions if declarative else [
            c for c in t.conditions if isinstance(c, dict) and len(str(c.get("expression", "")).split()) == 3
            and str(c["expression"]).split()[1] in _EXECUTED
        ]
        if _complete(conditions, _CONDITION_KEYS):
            transition["conditions"] = conditions
        if _complete(t.actions, _ACTION_KEYS):
            transition["actions"] = t.actions
        transitions.append(transition)
    section: dict[str, Any] = {
        "version": version,
        "state_machine_name": machine.name or f"{context.spec.name}_state",
        "state_machine_version": version,
        "description": f"States of {context.spec.class_name}.",
        "initial_state": machine.initial_state,
        "persistence_enabled": machine.persist,
        "states": states,
    }
    if machine.terminal_states:
        section["terminal_states"] = list(machine.terminal_states)
    section["transitions"] = transitions
    return section


def yaml_text(value: str) -> str:
    # ruamel writes U+0085 (NEL) raw into a plain or single-quoted scalar, where
    # YAML readers fold it to a space; a double-quoted scalar escapes it as \N.
    return DoubleQuotedScalarString(value) if "\x85" in value else value


# Where the sections patterns contribute go, among the contract's own keys:
# the framework's contract models list them in this order.
_BEFORE_ROUTING = ("caching",)


def contract_data(context: NodeContext, contributions: Sequence[Contribution] | None = None) -> dict[str, Any]:
    """The contract's data; ``contributions``: the patterns' (built when not given)."""
    spec = context.spec
    if contributions is None:
        contributions = build_contributions(context)
    package = spec.package_name
    contributed: dict[str, Any] = {}
    for contribution in contributions:
        contributed |= contribution.contract
    before = {key: value for key, value in contributed.items() if key in _BEFORE_ROUTING}
    topic_routed = spec.declared is not None and spec.declared.topic_routed
    after = {key: value for key, value in contributed.items() if key not in _BEFORE_ROUTING}
    return {
        "name": spec.name,
        "contract_version": semver("1.0.0"),
        "node_version": semver(spec.version),
        "node_type": context.kind.contract_type,
        "description": yaml_text(spec.description),
        "input_model": f"{package}.models.{spec.input_model_file}.{context.input_model}",
        "output_model": f"{package}.models.{spec.output_model_file}.{context.output_model}",
        **kind_sections(context),
        **before,
        "handler_routing": {
            "version": semver("1.0.0"),
            "routing_strategy": "topic_pattern" if topic_routed else "operation_match",
            "handlers": [
                {
                    "operation": spec.routed(op),  # RuntimeLocal requires it of every strategy but payload_type_match
                    **({"event_type": pattern} if (pattern := _pattern(spec, op)) else {}),
                    "handler": {
                        "name": context.handler_class(op),
                        "module": f"{package}.handlers.{spec.handler_file(op)}",
                    },
                }
                for op in context.operations
            ],
        },
        **after,
        **_declared_sections(spec, {**after, **before}),
    }


def _pattern(spec: Any, operation: str) -> str | None:
    """The topic glob a contract's topic_pattern route keys ``operation`` by, as written."""
    return spec.declared.topic_pattern(operation) if spec.declared is not None else None


def _declared_sections(spec: Any, generated: dict[str, Any]) -> dict[str, Any]:
    """What the source contract declared that the generator does not write itself, carried
    unchanged: its topics, intents, models by name, and every section kept, not acted on."""
    declared = spec.declared
    if declared is None:
        return {}
    sections: dict[str, Any] = {}
    if declared.subscribe_topics or declared.publish_topics:
        sections["event_bus"] = {
            "subscribe_topics": list(declared.subscribe_topics), "publish_topics": list(declared.publish_topics)
        }
    for key, value in {**declared.carried, **declared.kept}.items():
        if key not in generated:
            sections[key] = value
    return sections


def render_contract(context: NodeContext, contributions: Sequence[Contribution] | None = None) -> str:
    yaml = YAML(typ="rt", pure=True)  # keeps key order, unlike "safe"
    yaml.default_flow_style = False
    yaml.width = 4096
    stream = io.StringIO()
    stream.write(f"# ONEX contract of {context.spec.class_name}, written by codegen-ast.\n")
    yaml.dump(contract_data(context, contributions), stream)
    return stream.getvalue()

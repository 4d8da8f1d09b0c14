"""Contract sections that declare behaviour (seed 6.5): state machines, event
patterns and caching, turned into the NodeSpec keys that generate working code.

Shared by both contract dialects: a current ONEX ``state_machine`` and a v2
``subcontracts.fsm`` have the same shape, as do the two ways of naming events.
"""

from __future__ import annotations

import re
from typing import Any

from codegen_ast.readers.contract_declared import plain
from codegen_ast.readers.dialect import Conversion, Location
from codegen_ast.target import find_kind

_EVENT_TYPE = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+")
_CAMEL_WORD = re.compile(r"[A-Z][a-z0-9]*")


def _event_type(conversion: Conversion, raw: Any, where: Location) -> str | None:
    """Dotted lowercase as written, or read from CamelCase (``LedgerUpdated`` -> ``ledger.updated``)."""
    if not isinstance(raw, str):
        conversion.warn(where, "an event needs an event_type: left out")
        return None
    if _EVENT_TYPE.fullmatch(raw):
        return raw
    words = _CAMEL_WORD.findall(raw)
    if len(words) >= 2 and "".join(words) == raw:
        dotted = ".".join(word.lower() for word in words)
        conversion.warn(where, f"event type {raw!r} read as {dotted!r} (event types are dotted lowercase words)")
        return dotted
    conversion.warn(where, f"event type {raw!r} is not dotted words like 'order.created': left out")
    return None


def _first(item: dict[str, Any], *keys: str) -> Any:
    return next((item[key] for key in keys if key in item), None)


# the operators of the framework's condition model (ModelFSMTransitionCondition.VALID_OPERATORS, 0.47.57)
_OPERATORS = frozenset({
    "==", "!=", "equals", "not_equals", "<", ">", "<=", ">=", "greater_than", "less_than", "greater_than_or_equal",
    "less_than_or_equal", "min_length", "max_length", "exists", "not_exists", "in", "not_in", "contains", "matches",
})
# a presence test written with one word after the field (``plan_id is_present``): the framework's operator
_PRESENCE = {"exists": "exists", "is_present": "exists", "present": "exists", "is_set": "exists",
             "is_not_null": "exists", "not_exists": "not_exists", "is_absent": "not_exists", "absent": "not_exists",
             "is_not_set": "not_exists", "is_null": "not_exists"}


def _condition(conversion: Conversion, raw: Any, where: Location) -> dict[str, Any]:
    """A transition's condition in the framework's shape (``condition_name``,
    ``condition_type``, ``expression: field operator value``), its other keys kept. A
    presence test written ``field is_present`` is the framework's ``field exists true``
    (said); an expression the framework's condition model refuses is an error (a guard
    is never dropped: the transition would fire when the contract says it must not)."""
    text = raw if isinstance(raw, str) else raw.get("expression") if isinstance(raw, dict) else None
    if not isinstance(text, str):
        raise conversion.fail(where, "a condition needs an expression 'field operator value' (e.g. 'amount > 0')",
                              "null")
    tokens = text.split()
    if len(tokens) == 2 and tokens[1] in _PRESENCE:
        expression = f"{tokens[0]} {_PRESENCE[tokens[1]]} true"
        conversion.warn(where, f"condition {text!r} read as the framework's {expression!r}")
    elif len(tokens) == 3 and tokens[1] in _OPERATORS and not tokens[0].startswith("_"):
        expression = " ".join(tokens)
    else:
        raise conversion.fail(
            where,
            f"condition {text!r} is not an expression the framework evaluates: write 'field operator value' with "
            f"an operator among {', '.join(sorted(_OPERATORS))} (or 'field is_present')",
            "null",
        )
    condition = dict(raw) if isinstance(raw, dict) else {}
    condition["expression"] = expression
    condition.setdefault("condition_name", re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "condition")
    condition.setdefault("condition_type", "expression")
    return condition


def state_machine(conversion: Conversion, raw: Any, where: Location) -> None:
    """``{initial_state, states, transitions}`` in the framework's spelling
    (``state_name``, ``from_state``, ``to_state``) or ours (``from``, ``to``)."""
    if not isinstance(raw, dict):
        raise conversion.fail(where, "a state machine must be a mapping with initial_state, states and transitions", "null")
    states = []
    for index, state in enumerate(raw.get("states") or []):
        name = state if isinstance(state, str) else _first(state, "state_name", "name") if isinstance(state, dict) else None
        if not isinstance(name, str):
            raise conversion.fail((*where, "states", index), "each state needs a name (state_name)", "null")
        states.append(name)
    transitions = []
    for index, item in enumerate(raw.get("transitions") or []):
        if not isinstance(item, dict):
            raise conversion.fail((*where, "transitions", index), "each transition needs from_state, to_state and trigger", "null")
        transition = {
            "from": _first(item, "from_state", "from", "source_state"),
            "to": _first(item, "to_state", "to", "target_state"),
            "trigger": _first(item, "trigger", "event"),
        }
        missing = [key for key, value in transition.items() if not isinstance(value, str)]
        if missing:
            raise conversion.fail((*where, "transitions", index), f"transition lacks {', '.join(missing)}: add it", "null")
        for key in ("description",):
            if isinstance(item.get(key), str):
                transition[key] = item[key]
        if isinstance(item.get("conditions"), list):
            transition["conditions"] = [
                _condition(conversion, condition, (*where, "transitions", index, "conditions", number))
                for number, condition in enumerate(plain(item["conditions"]))
            ]
        if isinstance(item.get("actions"), list):
            transition["actions"] = plain(item["actions"])
        transitions.append(transition)
    machine: dict[str, Any] = {"initial_state": raw.get("initial_state"), "states": states, "transitions": transitions}
    terminal = raw.get("terminal_states")
    if isinstance(terminal, list):
        machine["terminal_states"] = [str(state) for state in terminal]
    if isinstance(raw.get("state_machine_name"), str):
        machine["name"] = raw["state_machine_name"]
    if any(isinstance(state, dict) for state in raw.get("states") or []):
        machine["state_details"] = plain(raw["states"])
    if raw.get("persistence_enabled") or raw.get("persist"):
        machine["persist"] = True
    conversion.set("state_machine", machine, where)


def event_patterns(conversion: Conversion, raw: Any, where: Location, operations: list[str]) -> None:
    """v2 ``event_patterns {subscribes, publishes: [{topic, event_type}]}``.

    A subscribed event needs the operation it triggers: with one operation that
    is clear; otherwise the event is left out with a warning that says how to
    declare it."""
    if not isinstance(raw, dict):
        return
    events: dict[str, list[dict[str, Any]]] = {"subscribes": [], "publishes": []}
    for key in ("subscribes", "publishes"):
        for index, item in enumerate(raw.get(key) or []):
            place = (*where, key, index)
            event_type = _event_type(conversion, item.get("event_type") if isinstance(item, dict) else item, place)
            if event_type is None:
                continue
            event: dict[str, Any] = {"event_type": event_type}
            if isinstance(item, dict) and isinstance(item.get("topic"), str):
                event["topic"] = item["topic"]
            if key == "subscribes":
                if len(operations) != 1:
                    conversion.warn(
                        place,
                        f"subscribed event {event_type!r} does not say which operation it triggers: left out "
                        "(write a NodeSpec with events.subscribes[].operation)",
                    )
                    continue
                event["operation"] = operations[0]
            events[key].append(event)
    if events["subscribes"] or events["publishes"]:
        conversion.set("events", {k: v for k, v in events.items() if v}, where)


def caching(conversion: Conversion, raw: Any, where: Location, node_type: str | None) -> None:
    """A caching subcontract becomes cache-aside on compute and reducer nodes."""
    if not isinstance(raw, dict) and raw is not True:
        return
    if (kind := find_kind(node_type)) is not None and not kind.caches:
        conversion.warn(where, f"caching is generated for compute and reducer nodes, not {node_type} nodes: ignored")
        return
    ttl = _first(raw, "default_ttl_seconds", "ttl_seconds", "ttl_s", "ttl") if isinstance(raw, dict) else None
    conversion.set("cache", {"ttl_s": ttl} if isinstance(ttl, int) and ttl > 0 else {}, where)

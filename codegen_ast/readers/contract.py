"""Read a current ONEX ``contract.yaml`` (the production dialect and ours).

Every contract the framework's own check accepts (a name and a node type) is
read. ``KNOWN_KEYS`` are acted on; any other top-level key is kept as written
(``NodeSpec.declared.kept``), never fatal. Names stay as the contract writes
them (``codegen_ast.spec.names`` derives a Python identifier only where one is
needed); nothing is inferred from a word in a name. docs/contracts.md has the
table of keys and what codegen_ast does with each.
"""

from __future__ import annotations

import re
from typing import Any

from codegen_ast.readers import contract_declared, declared
from codegen_ast.readers.dialect import Conversion
from codegen_ast.readers.existing import existing_model, filled
from codegen_ast.readers.fillers import Unfillable
from codegen_ast.readers.fields import MODEL_OWN_FIELDS, model_own_fields
from codegen_ast.readers.overrides import hint
from codegen_ast.spec import names
from codegen_ast.spec.behaviour import trigger_of

# Sections codegen_ast reads; every other top-level key is kept as written
# (carried into the generated contract, listed as "kept, not acted on").
KNOWN_KEYS = frozenset(
    {
        "name", "contract_name", "node_name", "contract_version", "node_version", "node_type", "node_kind",
        "description", "input_model", "output_model", "state_model", "io_operations", "handler_routing",
        "handler", "event_bus", "capabilities", "dependencies", "error_handling", "metadata",
        "state_machine", "intent_emission", "descriptor", "performance", "algorithm", "author",
    }
)
# read, but not what the generator writes: carried into the generated contract as written
_CARRIED = frozenset(
    {"contract_name", "node_name", "capabilities", "dependencies", "error_handling", "metadata",
     "intent_emission", "descriptor", "state_model", "health_check", "author", "performance", "algorithm"}
)
# the client library a dependency names exactly (its type, module or library): nothing read from a word
_CLIENT_LIBRARIES = {
    "asyncpg": "postgres", "psycopg": "postgres", "httpx": "http", "aiokafka": "kafka",
    "redis": "redis", "redis.asyncio": "redis", "consul": "consul", "py-consul": "consul",
    # a dependency whose type is the integration itself
    "postgres": "postgres", "postgresql": "postgres", "http": "http", "kafka": "kafka",
}
# a capability that names a feature exactly (events excepted: no event is invented)
_CAPABILITY_FEATURES = {"caching": "caching", "cache": "caching", "retry": "retry", "circuit_breaker": "circuit_breaker"}


def _node_type(conversion: Conversion) -> str | None:
    raw_data = conversion.document.data
    key = "node_type" if "node_type" in raw_data else "node_kind" if "node_kind" in raw_data else None
    if key is None:
        return None  # inferred from what the contract declares (codegen_ast.classify)
    raw: str = conversion.require(key, str, "one of EFFECT_GENERIC, COMPUTE_GENERIC, REDUCER_GENERIC, ORCHESTRATOR_GENERIC")
    kind = raw.lower().removesuffix("_generic")
    if kind not in ("effect", "compute", "reducer", "orchestrator"):
        raise conversion.fail(
            (key,),
            f"unknown {key} {raw!r}: use EFFECT_GENERIC, COMPUTE_GENERIC, REDUCER_GENERIC or ORCHESTRATOR_GENERIC",
            "EFFECT_GENERIC",
        )
    return kind


def _version(conversion: Conversion, raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, dict) and {"major", "minor", "patch"} <= set(raw):
        return f"{raw['major']}.{raw['minor']}.{raw['patch']}"
    if isinstance(raw, str):
        return raw
    raise conversion.fail(("node_version",), "node_version must be {major, minor, patch} or 'MAJOR.MINOR.PATCH'", "1.0.0")


def _fields(conversion: Conversion, raw: Any, where: tuple[str | int, ...], untyped: list[str]) -> list[dict[str, Any]]:
    """input_fields / output_fields: a list of {name, type, ...} or of names, or a mapping name -> type.

    A field named without a type is typed ``Any`` and optional (no type is guessed):
    its name goes to ``untyped``, so explain and the model's docstring say so."""
    if isinstance(raw, dict):
        return [{"name": name, "type": kind} for name, kind in raw.items()]
    if not isinstance(raw, list):
        raise conversion.fail(where, "must be a list of {name, type} or a mapping of name: type", "null")
    fields = []
    for index, item in enumerate(raw):
        if isinstance(item, dict) and len(item) == 1 and "name" not in item:  # - run_id: str
            [(key, kind)] = item.items()
            item = {"name": key, "type": kind} if isinstance(kind, str) else {"name": key}
        if isinstance(item, str):
            fields.append({"name": item, "type": "Any", "required": False, "description": _UNTYPED})
            _untyped(conversion, untyped, item, (*where, index))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            field = {k: v for k, v in item.items() if k in ("name", "type", "description", "required", "sensitive")}
            if "type" not in item:
                field |= {"type": "Any", "required": False, "description": item.get("description") or _UNTYPED}
                _untyped(conversion, untyped, str(item["name"]), (*where, index))
            fields.append(field)
        else:
            raise conversion.fail((*where, index), "each field needs at least a name, e.g. {name: order_id, type: str}", "null")
    return fields


def _untyped(conversion: Conversion, untyped: list[str], name: str, where: tuple[str | int, ...]) -> None:
    if not untyped:
        conversion.origin["untyped_fields"] = where  # the note points at the first one
    untyped.append(name)


_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")
_UNTYPED = "No type declared in the contract: typed Any (none is guessed)."


def _merge_fields(conversion: Conversion, target: list[dict[str, Any]], new: list[dict[str, Any]], where: tuple[str | int, ...]) -> None:
    names_seen = {field["name"] for field in target}
    for field in new:
        if field["name"] in MODEL_OWN_FIELDS:
            conversion.warn(where, f"field {field['name']!r} is carried by {MODEL_OWN_FIELDS[field['name']]}")
        elif field["name"] not in names_seen:
            names_seen.add(field["name"])
            target.append(field)


def _named_tail(written: str) -> str:
    """The last dotted part of a payload type or topic pattern that names something
    (``onex.evt.search.upsert-doc.*`` -> ``upsert-doc``; ``delta.upsert`` -> ``upsert``)."""
    return next((part for part in reversed(written.split(".")) if part and not set(part) & set("*?[]")), written)


def _operations(conversion: Conversion, raw: dict[str, Any], routes: list[dict[str, Any]], untyped: list[str]) -> None:
    operations: list[dict[str, Any]] = []
    inputs: list[dict[str, Any]] = []
    outputs: list[dict[str, Any]] = []

    def add(written: str, description: Any = None) -> None:
        identifier = names.identifier(written)
        if any(op["name"] == identifier for op in operations):
            return
        operation: dict[str, Any] = {"name": identifier}
        if written != identifier:
            operation["written"] = written
        if isinstance(description, str):
            operation["description"] = description
        operations.append(operation)

    io_operations = conversion.optional(raw, "io_operations", list, "a list of operations", ())
    for index, item in enumerate(io_operations or []):
        where = ("io_operations", index)
        if not isinstance(item, dict):
            raise conversion.fail(where, "each io operation must be a mapping with a name (or operation)", "null")
        name = next((item[key] for key in ("name", "operation", "operation_type") if isinstance(item.get(key), str)), None)
        if name is None:
            raise conversion.fail(where, "an io operation needs a name (or operation, operation_type): add it; "
                                  f"or, {hint(f'io_operations.{index}.operation', 'NAME')}")
        add(name, item.get("description"))
        for key, target in (("input_fields", inputs), ("output_fields", outputs)):
            if key in item:
                _merge_fields(conversion, target, _fields(conversion, item[key], (*where, key), untyped), (*where, key))
    for route in routes:
        if route["identifier"] == "execute" and "operation" not in route and len(routes) == 1 and "handler" not in raw.get("handler_routing", {}):
            continue  # the single `handler` serves whatever the node runs
        if "operation" in route:
            add(route["operation"], route.get("description"))
            continue
        # a payload route serves the io operation its payload type ends in (delta.upsert -> upsert)
        written = route.get("payload_type") or route.get("event_type") or route["identifier"]
        last = names.identifier(_named_tail(written))
        known = next((op for op in operations if op["name"] == last), None)
        if known is not None:
            route["identifier"] = last
        else:
            add(route["identifier"], route.get("description"))
    source = ("io_operations",) if io_operations else ("handler_routing",)
    if operations:
        conversion.set("operations", operations, source)
    if inputs:
        conversion.set("input_fields", inputs, source)
    if outputs:
        conversion.set("output_fields", outputs, source)


def _names(conversion: Conversion, node_type: str | None) -> str:
    """The contract's own name (``name``, else ``contract_name``, ``node_name``) and the
    node's name inside it: ``node_checkpoint_effect`` names the package as it is."""
    raw = conversion.document.data
    key = next((k for k in ("name", "contract_name", "node_name") if isinstance(raw.get(k), str)), None)
    if key is None:
        raise conversion.fail(
            (), "required key 'name' is missing: add the node's name, e.g. name: node_orders_effect; "
            f"or, {hint('name', 'node_orders_effect')}"
        )
    written: str = raw[key]
    kind = node_type or ("effect" if written.endswith("_effect") else "")
    for candidate in ("effect", "compute", "reducer", "orchestrator"):
        if node_type is None and written.endswith(f"_{candidate}"):
            kind = candidate
    stem = names.base_name(names.identifier(written), kind) if kind else names.identifier(written).removeprefix("node_")
    conversion.set("name", stem, (key,))
    words, dropped = names.class_words(stem)
    if dropped:
        conversion.warn(
            (key,),
            f"the node class would contain {', '.join(repr(w) for w in dropped)}, which onex validate --strict "
            f"rejects in a class name: it is named Node{words}{kind.capitalize()} (package and contract keep {written!r})",
        )
    return written


def _description(conversion: Conversion, name: str) -> None:
    raw = conversion.document.data
    metadata = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
    if isinstance(raw.get("description"), str) and raw["description"].strip():
        conversion.set("description", raw["description"].strip(), ("description",))
    elif isinstance(metadata.get("description"), str) and metadata["description"].strip():
        conversion.set("description", metadata["description"].strip(), ("metadata", "description"))
    else:
        conversion.set("description", f"The {name} node.", ())
        conversion.warn((), "no description (nor metadata.description): the docstrings say only the node's name")


def convert_contract(conversion: Conversion) -> None:
    """Read the contract; the sections that do not depend on each other are read even when
    one has a problem, and every problem found is reported at once."""
    raw = conversion.document.data
    node_type = None
    with conversion.gathering():
        node_type = _node_type(conversion)
    if node_type is not None:
        conversion.set("node_type", node_type, ("node_type",) if "node_type" in raw else ("node_kind",))
    written = _names(conversion, node_type)
    _description(conversion, written)
    with conversion.gathering():
        version = _version(conversion, raw.get("node_version"))
        if version:
            conversion.set("version", version, ("node_version",))
    metadata = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
    for key in ("author", "domain"):
        value = raw.get(key) if key in raw else metadata.get(key)
        if isinstance(value, str) and value.strip():
            conversion.set(key, value, (key,) if key in raw else ("metadata", key))
    strategy: str | None = None
    routes: list[dict[str, Any]] = []
    with conversion.gathering():
        strategy, routes = contract_declared.handler_routes(conversion, raw)
    untyped: list[str] = []
    with conversion.gathering():
        _operations(conversion, raw, routes, untyped)
    if untyped:
        conversion.warn(
            conversion.origin["untyped_fields"],
            f"no type declared for {', '.join(untyped)}: typed Any (none is guessed)",
        )
    if node_type is not None:
        model_own_fields(conversion, node_type)
    subscribe: list[str] = []
    publish: list[str] = []
    with conversion.gathering():
        subscribe, publish = contract_declared.topics(conversion, raw)

    features: list[str] = []
    capabilities: list[str] = []
    with conversion.gathering():
        _capabilities(conversion, raw, features, capabilities)
    if capabilities:
        conversion.set("capabilities", capabilities, ("capabilities",))
    dependencies: list[str] = []
    with conversion.gathering():
        for dependency in conversion.optional(raw, "dependencies", list, "a list of {name, type}", ()) or []:
            said = [dependency.get(k) for k in ("library", "module", "type")] if isinstance(dependency, dict) else [dependency]
            client = next((_CLIENT_LIBRARIES[w] for w in said if isinstance(w, str) and w in _CLIENT_LIBRARIES), None)
            if client and client not in dependencies:
                dependencies.append(client)
    error_handling: dict[str, Any] = {}
    with conversion.gathering():
        error_handling = conversion.optional(raw, "error_handling", dict, "a mapping", ()) or {}
    retry = contract_declared.retry_policy(raw)
    if retry and isinstance(retry.get("max_retries"), int) and retry["max_retries"] > 0:
        features.append("retry")
    if error_handling.get("circuit_breaker"):
        features.append("circuit_breaker")
    if raw.get("state_machine"):
        with conversion.gathering():
            declared.state_machine(conversion, raw["state_machine"], ("state_machine",))
            _triggers_as_operations(conversion, routes)
            _condition_fields(conversion, untyped)
    if features:
        conversion.set("features", sorted(set(features), key=features.index), ())
    if dependencies:
        conversion.set("dependencies", dependencies, ("dependencies",))
    intents: list[dict[str, Any]] = []
    with conversion.gathering():
        intents = contract_declared.intents(conversion, raw)
    models: dict[str, Any] = {}
    for key in ("input_model", "output_model", "state_model"):
        with conversion.gathering():
            models[key] = contract_declared.model_ref(conversion, raw.get(key), (key,))
            if key != "state_model" and models[key] is not None:
                _existing(conversion, key, models[key], written)
    conversion.raise_gathered()
    contract: dict[str, Any] = {
        "contract_name": written,
        "routing_strategy": strategy,
        "handlers": routes,
        "subscribe_topics": subscribe,
        "publish_topics": publish,
        "intents": intents,
        "dependencies": contract_declared.plain(raw.get("dependencies") or []),
        "capabilities": contract_declared.plain(raw.get("capabilities") or []),
        "descriptor": contract_declared.plain(raw.get("descriptor")) if isinstance(raw.get("descriptor"), dict) else None,
        "error_handling": contract_declared.plain(error_handling) or None,
        "retry_policy": retry,
        "untyped_fields": untyped,
        "kept": {key: contract_declared.plain(value) for key, value in raw.items() if key not in KNOWN_KEYS},
        "carried": {key: contract_declared.plain(value) for key, value in raw.items() if key in _CARRIED},
        **models,
    }
    conversion.set("declared", contract, ())


def _in_this_package(module: str, identifier: str) -> bool:
    """A module inside the package generated for this contract (``node_<name>_<type>``, or
    the contract's own name): the node's own, which the generated package replaces; never
    an existing model, even where an earlier copy of the package is importable."""
    package = module.split(".")[0]
    return package in (identifier, f"node_{identifier}") or package.startswith(f"node_{identifier}_")


def _existing(conversion: Conversion, key: str, ref: dict[str, Any], contract_name: str) -> None:
    """A declared model that exists is extended by the generated one (imported, not copied);
    one that does not is generated under the contract's name. Either way, said."""
    module, name = ref.get("module"), ref["name"]
    ours = isinstance(module, str) and _in_this_package(module, names.identifier(contract_name))
    found = existing_model(module, name) if isinstance(module, str) and not ours else None
    if found is not None:
        ref["existing"] = found
        missing = _unfilled(conversion, key, found)
        defaulted = ""
        if missing:
            try:
                found["fillers"], found["implementations"] = filled(str(module), name, missing)
            except Unfillable as error:
                raise conversion.fail(
                    (key,), f"{name} exists in {module} but requires {', '.join(missing)}, which the contract's "
                            f"{key[:-6]} fields give no value for, and {error}: declare the field in the contract's "
                            f"{key[:-6]}_fields (or io_operations), or name a model without it", "null") from None
            found["missing"] = missing
            defaulted = (f"; it requires {', '.join(missing)}, which the contract gives no value for: each is declared "
                         "again with a default derived from its type (see the model's docstring)")
        conversion.warn((key,), f"{name} exists in {module}: the generated {name} extends it (imported, not copied), "
                                f"adding only the fields the node's routing needs and the declared fields it lacks{defaulted}")
    elif isinstance(module, str) and not ours:
        conversion.warn((key,), f"{name} is not importable from {module} here: generated under that name in the "
                                "package's models/ (the generated contract.yaml points at it)")


def _unfilled(conversion: Conversion, key: str, found: dict[str, Any]) -> list[str]:
    """Required fields of an existing model that neither the contract's fields nor the
    framework model of the node type (whose required fields the generated model defaults) give.
    A field the contract names without a type gives no value (the node leaves it unset)."""
    from codegen_ast.target import NODE_INPUT_FIELDS, NODE_OUTPUT_FIELDS

    node_type = str(conversion.data.get("node_type"))
    framework = (NODE_INPUT_FIELDS if key == "input_model" else NODE_OUTPUT_FIELDS).get(node_type, frozenset())
    declared = conversion.data.get(f"{key[:-6]}_fields") or []
    given = {f["name"] for f in declared if f.get("type") != "Any" or f.get("required", True)} | set(MODEL_OWN_FIELDS)
    framework_based = any(entry.split(".")[-1].split("[")[0] in _FRAMEWORK_MODELS for entry in found["ancestry"])
    return [name for name in found["required"] if name not in given and not (framework_based and name in framework)]


# the framework's input and output models, whose required fields the generated models default
_FRAMEWORK_MODELS = frozenset(
    f"Model{kind}{side}" for kind in ("Effect", "Compute", "Reducer", "Orchestrator") for side in ("Input", "Output")
)


def _capabilities(conversion: Conversion, raw: dict[str, Any], features: list[str], capabilities: list[str]) -> None:
    for index, capability in enumerate(conversion.optional(raw, "capabilities", list, "a list", ()) or []):
        name = capability.get("name") if isinstance(capability, dict) else capability
        if not isinstance(name, str):
            raise conversion.fail(("capabilities", index), "a capability is a name (or {name: ...}), e.g. orders.read", "null")
        if name.lower() in _CAPABILITY_FEATURES:
            features.append(_CAPABILITY_FEATURES[name.lower()])
        if name not in capabilities:
            capabilities.append(name)  # advertised in discovery responses (the discovery pattern)


def _triggers_as_operations(conversion: Conversion, routes: list[dict[str, Any]]) -> None:
    """A transition's trigger no routed operation fires (by its name, or the last part
    of a dotted one: ``artifact.create_plan`` fires ``create_plan``) becomes an
    operation, so the generated reducer can run the transition (said, not silent)."""
    machine = conversion.data.get("state_machine") or {}
    operations = conversion.data.setdefault("operations", [])
    triggers = list(dict.fromkeys(transition["trigger"] for transition in machine.get("transitions", [])))
    fired = {trigger_of(op.get("written") or op["name"], triggers) for op in operations}
    fired |= {trigger_of(route[key], triggers) for route in routes for key in ("event_type", "payload_type") if key in route}
    for trigger in triggers:
        if trigger not in fired:
            fired.add(trigger)
            identifier = names.identifier(trigger)
            operations.append({"name": identifier, **({"written": trigger} if identifier != trigger else {})})
            conversion.warn(
                ("state_machine", "transitions"),
                f"trigger {trigger!r} is not a routed operation: the node accepts it as an operation of its own",
            )
    if operations and "operations" not in conversion.origin:
        conversion.origin["operations"] = ("state_machine",)


def _condition_fields(conversion: Conversion, untyped: list[str]) -> None:
    """A field a transition's condition reads (``plan_id exists true``) that the request
    does not declare becomes an optional request field with no type (none is guessed),
    so a request can carry it and the condition can hold (said, not silent)."""
    machine = conversion.data.get("state_machine") or {}
    fields = conversion.data.setdefault("input_fields", [])
    known = {field["name"] for field in fields} | set(MODEL_OWN_FIELDS)
    for index, transition in enumerate(machine.get("transitions", [])):
        for condition in transition.get("conditions", []):
            name = condition["expression"].split()[0].split(".")[0]
            if name in known or not _FIELD_NAME.fullmatch(name):
                continue
            known.add(name)
            fields.append({"name": name, "type": "Any", "required": False,
                           "description": f"Read by the condition {condition['expression']!r}. {_UNTYPED}"})
            conversion.warn(("state_machine", "transitions", index, "conditions"),
                            f"field {name!r}, which the condition {condition['expression']!r} reads, is not a declared "
                            "input field: the request has it, optional and typed Any (none is guessed)")
            untyped.append(name)
    if not fields:
        del conversion.data["input_fields"]

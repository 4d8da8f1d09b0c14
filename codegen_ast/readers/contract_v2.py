"""Read the older "v2" contract dialect (the generator the seed plan describes).

Keys: node_id, node_type (lowercase), version (``v1_0_0``), namespace,
metadata {name, description, author, tags}, mixin_configuration.mixins
[{mixin_name, config}], event_patterns {subscribes, publishes}, input_schema /
output_schema (JSON Schema objects, which become typed fields),
advanced_features, subcontracts, dependencies.
"""

from __future__ import annotations

import re
from typing import Any

from codegen_ast.readers import declared
from codegen_ast.readers.dialect import Conversion, dependency_for
from codegen_ast.spec import suggestion
from codegen_ast.readers.contract_declared import plain
from codegen_ast.readers.fields import model_own_fields
from codegen_ast.target import KNOWN_MIXINS, REMOVED_MIXINS, WRAPPER_MIXINS
from codegen_ast.target.catalogue import composition_clashes, refusal

KNOWN_KEYS = frozenset(
    {
        "node_id", "node_type", "version", "namespace", "metadata", "mixin_configuration",
        "event_patterns", "input_schema", "output_schema", "advanced_features", "subcontracts",
        "dependencies", "description", "operations",
    }
)
# older mixin names -> the feature that replaces them
_LEGACY_FEATURES = {
    "MixinRetry": "retry",
    "MixinCircuitBreaker": "circuit_breaker",
    "MixinEventListener": "events",
    "MixinHybridExecution": None,
    "MixinLogData": None,
}
_JSON_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_FORMATS = {"uuid": "uuid", "date-time": "datetime", "date": "date"}
_VERSION = re.compile(r"v?(\d+)[_.](\d+)[_.](\d+)")


def _json_type(conversion: Conversion, schema: Any, where: tuple[str | int, ...]) -> str:
    if not isinstance(schema, dict):
        raise conversion.fail(where, "a property schema must be a mapping with a type", "{type: string}")
    kind = schema.get("type")
    if isinstance(kind, list):  # ["string", "null"]
        others = [k for k in kind if k != "null"]
        inner = _json_type(conversion, {**schema, "type": others[0] if others else "string"}, where)
        return f"{inner} | None" if "null" in kind else inner
    if isinstance(kind, str) and kind in _JSON_TYPES:
        form = schema.get("format")
        return _FORMATS.get(form, _JSON_TYPES[kind]) if kind == "string" and isinstance(form, str) else _JSON_TYPES[kind]
    if kind == "array":
        return f"list[{_json_type(conversion, schema.get('items', {'type': 'string'}), (*where, 'items'))}]"
    if kind == "object":
        values = schema.get("additionalProperties")
        inner = _json_type(conversion, values, (*where, "additionalProperties")) if isinstance(values, dict) else "str"
        return f"dict[str, {inner}]"
    raise conversion.fail((*where, "type"), f"JSON Schema type {kind!r} has no field type: use string, integer, number, boolean, array or object", "string")


def _schema_fields(conversion: Conversion, key: str) -> list[dict[str, Any]]:
    schema = conversion.optional(conversion.document.data, key, dict, "a JSON Schema object", ())
    if not schema:
        return []
    properties = schema.get("properties") or {}
    if not isinstance(properties, dict):
        raise conversion.fail((key, "properties"), "properties must map field names to schemas", "null")
    required = schema.get("required") or []
    if not isinstance(required, list) or not all(isinstance(name, str) for name in required):
        raise conversion.fail((key, "required"), "required must list property names, e.g. required: [order_id]", "[]")
    fields = []
    for name, prop in properties.items():
        with conversion.gathering():  # every property's problem is reported
            if not isinstance(name, str):
                raise conversion.fail((key, "properties"), f"property name {name!r} is not text: quote it or rename it")
            field: dict[str, Any] = {"name": name, "type": _json_type(conversion, prop, (key, "properties", name))}
            if name not in required:
                field["required"] = False
            if isinstance(prop, dict) and isinstance(prop.get("description"), str):
                field["description"] = prop["description"]
            fields.append(field)
    return fields


def _mixins(conversion: Conversion, features: list[str], node_type: str | None) -> list[str]:
    """The mixins the generator composes; the others the framework has are kept in the
    generated contract (``mixin_configuration`` as written) and reported, never fatal."""
    configuration = conversion.optional(conversion.document.data, "mixin_configuration", dict, "a mapping", ()) or {}
    requested: list[str] = []
    for index, entry in enumerate(configuration.get("mixins") or []):
        where = ("mixin_configuration", "mixins", index)
        with conversion.gathering():  # every mixin's problem is reported
            before = len(requested)
            _mixin(conversion, entry, where, features, requested)
            if len(requested) > before and _composed(conversion, requested, node_type, where) is None:
                requested.pop()
    return requested


def _composed(conversion: Conversion, requested: list[str], node_type: str | None, where: tuple[str | int, ...]) -> str | None:
    """The last requested mixin if the generator can compose it with the others, else None (said)."""
    name = requested[-1]
    if name == "MixinDiscoveryResponder" or node_type is None:
        return name  # held by the node (the discovery pattern); a type inferred later is checked then
    reason = refusal(name, node_type)
    clashes = composition_clashes([*WRAPPER_MIXINS[node_type], *requested]) if reason is None else []
    reason = reason or (clashes[0] if clashes else None)
    if reason is None:
        return name
    conversion.warn(where, f"{name} is kept in contract.yaml, not composed into the node: {reason}")
    return None


def _mixin(conversion: Conversion, entry: Any, where: tuple[str | int, ...], features: list[str], requested: list[str]) -> None:
    name = entry.get("mixin_name") if isinstance(entry, dict) else entry
    if not isinstance(name, str):
        raise conversion.fail(where, "each mixin needs a mixin_name", "null")
    if name in _LEGACY_FEATURES or name in REMOVED_MIXINS:
        feature = _LEGACY_FEATURES.get(name)
        if feature:
            features.append(feature)
            conversion.warn(where, f"{name} does not exist in omnibase-core 0.47: mapped to the '{feature}' feature")
        else:
            conversion.warn(where, f"{name} does not exist in omnibase-core 0.47: {REMOVED_MIXINS.get(name, 'dropped')}")
        return
    if name not in KNOWN_MIXINS:
        raise conversion.fail(
            where, f"unknown mixin {name!r}: omnibase-core 0.47 has no such mixin ({_closest(name)}"
            "`codegen-ast mixins` lists them)", "null",
        )
    requested.append(name)


def _closest(name: str) -> str:
    """"did you mean ...?" compared without the common "Mixin" prefix, which makes every name look alike."""
    stems = sorted(known.removeprefix("Mixin") for known in KNOWN_MIXINS)
    return suggestion(name.removeprefix("Mixin"), stems).replace("'", "'Mixin", 1)


def _identity(conversion: Conversion, raw: dict[str, Any]) -> str | None:
    """node_type, node_id, description, author, namespace, version, operations; the node type."""
    node_type = None  # without one, inferred from what the contract declares (codegen_ast.classify)
    with conversion.gathering():
        if "node_type" in raw:
            node_type = conversion.require("node_type", str, "effect, compute, reducer or orchestrator").lower()
            conversion.set("node_type", node_type, ("node_type",))
    with conversion.gathering():
        node_id = conversion.require("node_id", str, "the node's snake_case id")
        suffix = re.escape(node_type) if node_type else "(?:effect|compute|reducer|orchestrator)"
        name = re.sub(rf"^node_|_{suffix}$", "", node_id) if node_id.startswith("node_") else node_id
        conversion.set("name", name, ("node_id",))
    metadata: dict[str, Any] = {}
    with conversion.gathering():
        metadata = conversion.optional(raw, "metadata", dict, "a mapping", ()) or {}
        description = raw.get("description", metadata.get("description"))
        if not isinstance(description, str):
            raise conversion.fail(("metadata", "description"), "metadata.description is missing: add a one-line description", "'One line.'")
        conversion.set("description", description, ("description",) if "description" in raw else ("metadata", "description"))
    if isinstance(metadata.get("author"), str):
        conversion.set("author", metadata["author"], ("metadata", "author"))
    if isinstance(raw.get("namespace"), str):
        conversion.set("domain", raw["namespace"], ("namespace",))
    version = raw.get("version")
    with conversion.gathering():
        if version is not None:
            match = _VERSION.fullmatch(str(version))
            if not match:
                raise conversion.fail(("version",), f"version {version!r} is not like v1_0_0", "v1_0_0")
            conversion.set("version", ".".join(match.groups()), ("version",))
    with conversion.gathering():
        if isinstance(raw.get("operations"), list):
            conversion.set("operations", raw["operations"], ("operations",))
        elif raw.get("operations") is not None:
            raise conversion.fail(("operations",), "operations must be a list of operation names, e.g. [count_view]", "null")
    return node_type


def convert_v2(conversion: Conversion) -> None:
    """Read the contract; independent sections are read even when one has a problem,
    and every problem found is reported at once, in file order."""
    raw = conversion.document.data
    node_type = _identity(conversion, raw)
    features: list[str] = []
    mixins = _mixins(conversion, features, node_type)
    if mixins:
        conversion.set("mixins", mixins, ("mixin_configuration",))
    with conversion.gathering():
        if raw.get("event_patterns"):
            features.append("events")
            operations = [op if isinstance(op, str) else op.get("name") if isinstance(op, dict) else None
                          for op in (raw["operations"] if isinstance(raw.get("operations"), list) else [])]
            declared.event_patterns(conversion, raw["event_patterns"], ("event_patterns",), [o for o in operations if isinstance(o, str)])
    subcontracts = raw.get("subcontracts") if isinstance(raw.get("subcontracts"), dict) else {}
    with conversion.gathering():
        if subcontracts.get("fsm"):
            declared.state_machine(conversion, subcontracts["fsm"], ("subcontracts", "fsm"))
    with conversion.gathering():
        if subcontracts.get("caching") and conversion.data.get("state_machine"):
            conversion.warn(("subcontracts", "caching"), "kept, not acted on: a state machine's transition runs every "
                            "time, so the node caches nothing (carried into contract.yaml)")
        elif subcontracts.get("caching"):
            declared.caching(conversion, subcontracts["caching"], ("subcontracts", "caching"), node_type)
    dependencies = []
    with conversion.gathering():
        for index, dependency in enumerate(conversion.optional(raw, "dependencies", (list, dict), "a list or mapping", ()) or []):
            client = dependency_for(str(dependency))
            if client:
                dependencies.append(client)
            else:
                conversion.warn(("dependencies", index), f"dependency {dependency!r} is not a client codegen-ast integrates: ignored")
    if dependencies:
        conversion.set("dependencies", dependencies, ("dependencies",))
    if features:
        conversion.set("features", sorted(set(features), key=features.index), ("mixin_configuration",))
    for key, target in (("input_schema", "input_fields"), ("output_schema", "output_fields")):
        with conversion.gathering():
            fields = _schema_fields(conversion, key)
            if fields:
                conversion.set(target, fields, (key,))
    if node_type is not None:
        model_own_fields(conversion, node_type)
    conversion.raise_gathered()
    conversion.set("declared", {"contract_name": raw.get("node_id"), "kept": _kept(conversion, raw)}, ())


# sections the generator acts on in full: not carried (the generated contract says them its own way)
_ACTED_ON = frozenset({"node_id", "node_type", "version", "namespace", "metadata", "description", "operations",
                       "event_patterns", "input_schema", "output_schema", "dependencies"})
_SUBCONTRACTS_ACTED_ON = frozenset({"fsm"})


def _kept(conversion: Conversion, raw: dict[str, Any]) -> dict[str, Any]:
    """What the generated contract carries as written: the mixin configuration (so a mixin not
    composed stays declared), every subcontract but the state machine (written as state_machine),
    advanced features and any key the v2 dialect does not define, each said once."""
    kept: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _ACTED_ON or value in (None, {}, []):
            continue
        if key == "subcontracts" and isinstance(value, dict):
            value = {name: item for name, item in value.items() if name not in _SUBCONTRACTS_ACTED_ON}
            for name in value:
                if name != "caching":  # caching is acted on, or said above
                    conversion.warn(("subcontracts", name), "kept, not acted on: carried unchanged into contract.yaml")
            if not value:
                continue
        elif key not in KNOWN_KEYS:
            conversion.warn((key,), f"kept, not acted on: carried unchanged into contract.yaml ({suggestion(key, sorted(KNOWN_KEYS))}"
                            "a v2 contract's keys are listed in docs/contracts.md)")
        elif key == "advanced_features":
            conversion.warn((key,), "kept, not acted on: carried unchanged into contract.yaml")
        kept[key] = plain(value)
    return kept

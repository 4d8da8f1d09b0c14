"""Read a current ONEX ``contract.yaml`` (the production dialect and ours).

Keys (ONEX_TARGET.md): name, contract_version, node_version, node_type (either
``EFFECT_GENERIC`` or ``effect``), description, input_model, output_model,
io_operations, handler_routing (or a single ``handler``), event_bus,
capabilities, dependencies, health_check, error_handling, metadata,
state_machine, and what the framework's models add (performance, algorithm).
"""

from __future__ import annotations

from typing import Any

from codegen_ast.readers import declared
from codegen_ast.readers.dialect import Conversion, dependency_for

KNOWN_KEYS = frozenset(
    {
        "name", "contract_version", "node_version", "node_type", "description", "input_model",
        "output_model", "io_operations", "handler_routing", "handler", "event_bus", "capabilities",
        "dependencies", "health_check", "error_handling", "metadata", "state_machine", "performance",
        "algorithm", "author", "tags", "lifecycle", "documentation_url",
    }
)
_CAPABILITY_FEATURES = {
    "caching": "caching", "cache": "caching", "retry": "retry", "circuit_breaker": "circuit_breaker",
    "events": "events", "event_publishing": "events", "service_discovery": "consul", "consul": "consul",
}


def _node_type(conversion: Conversion) -> str | None:
    if "node_type" not in conversion.document.data:
        return None  # inferred from what the contract declares (codegen_ast.classify)
    raw: str = conversion.require("node_type", str, "one of EFFECT_GENERIC, COMPUTE_GENERIC, REDUCER_GENERIC, ORCHESTRATOR_GENERIC")
    kind = raw.lower().removesuffix("_generic")
    if kind not in ("effect", "compute", "reducer", "orchestrator"):
        raise conversion.fail(
            ("node_type",),
            f"unknown node_type {raw!r}: use EFFECT_GENERIC, COMPUTE_GENERIC, REDUCER_GENERIC or ORCHESTRATOR_GENERIC",
        )
    return kind


def _version(conversion: Conversion, raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, dict) and {"major", "minor", "patch"} <= set(raw):
        return f"{raw['major']}.{raw['minor']}.{raw['patch']}"
    if isinstance(raw, str):
        return raw
    raise conversion.fail(("node_version",), "node_version must be {major, minor, patch} or 'MAJOR.MINOR.PATCH'")


def _fields(conversion: Conversion, raw: Any, where: tuple[str | int, ...]) -> list[dict[str, Any]]:
    """input_fields / output_fields: a list of {name, type, ...} or a mapping name -> type."""
    if isinstance(raw, dict):
        return [{"name": name, "type": kind} for name, kind in raw.items()]
    if not isinstance(raw, list):
        raise conversion.fail(where, "must be a list of {name, type} or a mapping of name: type")
    fields = []
    for index, item in enumerate(raw):
        if isinstance(item, str):
            fields.append({"name": item, "type": "str"})
        elif isinstance(item, dict) and "name" in item:
            fields.append({k: v for k, v in item.items() if k in ("name", "type", "description", "required", "sensitive")} | {"type": item.get("type", "str")})
        else:
            raise conversion.fail((*where, index), "each field needs at least a name, e.g. {name: order_id, type: str}")
    return fields


def _merge_fields(target: list[dict[str, Any]], new: list[dict[str, Any]]) -> None:
    names = {field["name"] for field in target}
    target.extend(field for field in new if field["name"] not in names)


def _operations(conversion: Conversion, raw: dict[str, Any]) -> None:
    operations: list[dict[str, Any]] = []
    inputs: list[dict[str, Any]] = []
    outputs: list[dict[str, Any]] = []
    io_operations = conversion.optional(raw, "io_operations", list, "a list of operations", ())
    for index, item in enumerate(io_operations or []):
        if not isinstance(item, dict):
            raise conversion.fail(("io_operations", index), "each io operation must be a mapping with a name")
        name = item.get("name", item.get("operation_type"))
        if not isinstance(name, str):
            raise conversion.fail(("io_operations", index), "an io operation needs a name (or operation_type)")
        operations.append({"name": name, **({"description": item["description"]} if isinstance(item.get("description"), str) else {})})
        if "input_fields" in item:
            _merge_fields(inputs, _fields(conversion, item["input_fields"], ("io_operations", index, "input_fields")))
        if "output_fields" in item:
            _merge_fields(outputs, _fields(conversion, item["output_fields"], ("io_operations", index, "output_fields")))
    if not operations:
        routing = conversion.optional(raw, "handler_routing", dict, "a mapping", ())
        for index, entry in enumerate((routing or {}).get("handlers") or []):
            if isinstance(entry, dict) and isinstance(entry.get("operation"), str):
                operations.append({"name": entry["operation"]})
            else:
                raise conversion.fail(("handler_routing", "handlers", index), "each handler entry needs an operation name")
    source = ("io_operations",) if io_operations else ("handler_routing",)
    if operations:
        conversion.set("operations", operations, source)
    if inputs:
        conversion.set("input_fields", inputs, source)
    if outputs:
        conversion.set("output_fields", outputs, source)


def convert_contract(conversion: Conversion) -> None:
    raw = conversion.document.data
    conversion.reject_unknown(raw, KNOWN_KEYS, (), "contract.yaml")
    conversion.set("name", conversion.require("name", str, "the node's snake_case name"), ("name",))
    node_type = _node_type(conversion)
    if node_type is not None:
        conversion.set("node_type", node_type, ("node_type",))
    conversion.set("description", conversion.require("description", str, "a one-line description"), ("description",))
    version = _version(conversion, raw.get("node_version"))
    if version:
        conversion.set("version", version, ("node_version",))
    metadata = conversion.optional(raw, "metadata", dict, "a mapping", ()) or {}
    for key in ("author", "domain"):
        value = raw.get(key) if key in raw else metadata.get(key)
        if isinstance(value, str):
            conversion.set(key, value, (key,) if key in raw else ("metadata", key))
    _operations(conversion, raw)

    features: list[str] = []
    dependencies: list[str] = []
    event_bus = conversion.optional(raw, "event_bus", dict, "a mapping (publish_topics, subscribe_topics)", ())
    if event_bus:
        features.append("events")
        for key in ("subscribe_topics", "publish_topics"):
            if event_bus.get(key):
                conversion.warn(
                    ("event_bus", key),
                    "topics without event types: events go to ONEX_EVENTS_TOPIC; to publish or consume "
                    "typed events per topic, write a NodeSpec with events.publishes / events.subscribes",
                )
    capabilities: list[str] = []
    for index, capability in enumerate(conversion.optional(raw, "capabilities", list, "a list", ()) or []):
        name = capability.get("name") if isinstance(capability, dict) else capability
        if not isinstance(name, str):
            raise conversion.fail(("capabilities", index), "a capability is a name (or {name: ...}), e.g. orders.read")
        feature = _CAPABILITY_FEATURES.get(name.lower())
        if feature:
            features.append(feature)
        if name not in capabilities:
            capabilities.append(name)  # advertised in discovery responses (the discovery pattern)
    if capabilities:
        conversion.set("capabilities", capabilities, ("capabilities",))
    for index, dependency in enumerate(conversion.optional(raw, "dependencies", list, "a list of {name, type}", ()) or []):
        words = [str(v) for v in dependency.values()] if isinstance(dependency, dict) else [str(dependency)]
        words += [w.split(".")[0] for w in words]
        client = dependency_for(*words)
        if client:
            dependencies.append(client)
        else:
            conversion.warn(("dependencies", index), f"dependency {dependency!r} is not a client codegen-ast integrates: ignored")
    error_handling = conversion.optional(raw, "error_handling", dict, "a mapping", ()) or {}
    if error_handling.get("retry_policy"):
        features.append("retry")
    if error_handling.get("circuit_breaker"):
        features.append("circuit_breaker")
    if raw.get("state_machine"):
        declared.state_machine(conversion, raw["state_machine"], ("state_machine",))
    if features:
        conversion.set("features", sorted(set(features), key=features.index), ())
    if dependencies:
        conversion.set("dependencies", sorted(set(dependencies), key=dependencies.index), ("dependencies",))

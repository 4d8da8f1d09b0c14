"""What a current ONEX contract declares by name, kept as written (``NodeSpec.declared``).

Models ``{name, module}``, handler routes (``operation`` as written, or the
payload a ``payload_type_match`` route takes), topics, intents, policies. Nothing
here is guessed: a value the contract does not give stays unset.
"""

from __future__ import annotations

from typing import Any

from codegen_ast.readers.dialect import Conversion, Location
from codegen_ast.spec import names


def plain(value: Any) -> Any:
    """YAML data as plain Python (ruamel's mappings and sequences become dict and list)."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value if not isinstance(value, str) else str(value)
    return str(value)


def model_ref(conversion: Conversion, raw: Any, where: Location) -> dict[str, Any] | None:
    """``{name, module, description}``, or ``pkg.module.Class`` written as one string."""
    if raw is None:
        return None
    if isinstance(raw, str):
        module, _, name = raw.rpartition(".")
        return {"name": name, **({"module": module} if module else {})}
    if isinstance(raw, dict) and isinstance(raw.get("name"), str):
        ref: dict[str, Any] = {"name": raw["name"]}
        if isinstance(raw.get("module"), str):
            ref["module"] = raw["module"]
        if isinstance(raw.get("description"), str):
            ref["description"] = raw["description"]
        return ref
    if isinstance(raw, dict) and isinstance(raw.get("class"), str):  # the drifted {module, class}
        return {"name": raw["class"], **({"module": raw["module"]} if isinstance(raw.get("module"), str) else {})}
    raise conversion.fail(where, "a model or handler is {name: ClassName, module: package.module}", "null")


_ROUTE_KEYS = frozenset(
    {"operation", "handler", "event_model", "event_type", "payload_type", "message_category", "output_events", "description"}
)


def handler_routes(conversion: Conversion, raw: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
    """``handler_routing {routing_strategy, handlers}`` (or one ``handler``) as routes."""
    routing = conversion.optional(raw, "handler_routing", dict, "a mapping with routing_strategy and handlers", ()) or {}
    strategy = routing.get("routing_strategy")
    routes: list[dict[str, Any]] = []
    for index, entry in enumerate(routing.get("handlers") or []):
        where: Location = ("handler_routing", "handlers", index)
        if not isinstance(entry, dict):
            raise conversion.fail(where, "a handler entry is a mapping: {operation, handler: {name, module}}", "null")
        route: dict[str, Any] = {}
        operation = entry.get("operation")
        event_model = model_ref(conversion, entry.get("event_model"), (*where, "event_model"))
        handler = model_ref(conversion, entry.get("handler"), (*where, "handler"))
        event_type = entry.get("event_type") if isinstance(entry.get("event_type"), str) else None
        payload_type = entry.get("payload_type") if isinstance(entry.get("payload_type"), str) else None
        if isinstance(operation, str):
            route["operation"] = operation
            route["identifier"] = names.identifier(operation)
        elif event_model is not None or event_type is not None or payload_type is not None or handler is not None:
            # payload_type_match: routed by the payload's type or model; Python still needs a name
            stem = payload_type or event_type
            if stem is None:
                stem = event_model["name"].removeprefix("Model") if event_model else handler["name"] if handler else ""
            route["identifier"] = names.identifier(stem)
        else:
            raise conversion.fail(
                where, "a handler entry needs an operation (operation_match) or an event_model (payload_type_match)"
            )
        for key, value in (
            ("handler", handler), ("event_model", event_model), ("event_type", event_type), ("payload_type", payload_type)
        ):
            if value is not None:
                route[key] = value
        if isinstance(entry.get("message_category"), str):
            route["message_category"] = entry["message_category"]
        if isinstance(entry.get("output_events"), list):
            route["output_events"] = [str(item) for item in entry["output_events"]]
        if isinstance(entry.get("description"), str):
            route["description"] = entry["description"]
        rest = {k: plain(v) for k, v in entry.items() if k not in _ROUTE_KEYS}
        if rest:
            route["extra"] = rest
        routes.append(route)
    single = raw.get("handler")
    if not routes and single is not None:
        handler = model_ref(conversion, single, ("handler",))
        routes.append({"identifier": "execute", **({"handler": handler} if handler else {})})
    return (strategy if isinstance(strategy, str) else None), routes


def topics(conversion: Conversion, raw: dict[str, Any]) -> tuple[list[str], list[str]]:
    bus = conversion.optional(raw, "event_bus", dict, "a mapping with subscribe_topics and publish_topics", ()) or {}
    found: list[list[str]] = []
    for key in ("subscribe_topics", "publish_topics"):
        items = bus.get(key) or []
        if not isinstance(items, list):
            raise conversion.fail(("event_bus", key), f"{key} is a list of topic names", "[]")
        found.append([str(item.get("topic") if isinstance(item, dict) else item) for item in items])
    return found[0], found[1]


def intents(conversion: Conversion, raw: dict[str, Any]) -> list[dict[str, Any]]:
    section = raw.get("intent_emission")
    items = section.get("intents") if isinstance(section, dict) else section if isinstance(section, list) else []
    found = []
    for index, item in enumerate(items or []):
        if not isinstance(item, dict) or not isinstance(item.get("intent_type"), str):
            raise conversion.fail(("intent_emission", "intents", index), "an intent needs an intent_type", "null")
        intent: dict[str, Any] = {"intent_type": item["intent_type"]}
        if isinstance(item.get("target_pattern"), str):
            intent["target"] = item["target_pattern"]
        if isinstance(item.get("payload_model"), str):
            payload = {"name": item["payload_model"]}
            if isinstance(item.get("payload_module"), str):
                payload["module"] = item["payload_module"]
            intent["payload_model"] = payload
        if isinstance(item.get("description"), str):
            intent["description"] = item["description"]
        found.append(intent)
    return found


_RETRY_KEYS = ("max_retries", "initial_delay_ms", "max_delay_ms", "exponential_base", "retry_on")


def retry_policy(raw: dict[str, Any]) -> dict[str, Any] | None:
    handling = raw.get("error_handling")
    policy = handling.get("retry_policy") if isinstance(handling, dict) else None
    if not isinstance(policy, dict):
        return None
    kept = {key: plain(policy[key]) for key in _RETRY_KEYS if key in policy}
    if "retry_on" in kept and not isinstance(kept["retry_on"], list):
        kept["retry_on"] = [str(kept["retry_on"])]
    return kept

"""``contract.yaml`` of a declarative package: the typed part (what the framework's
``ModelContract*`` read after its normalizer) and the runtime part (``descriptor``,
``event_bus``, ``terminal_event``, ``handler_routing`` with a dotted
``default_handler`` and one entry per operation and per consumed event)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML

from codegen_ast.declarative.names import VERSION, DeclarativeNames
from codegen_ast.files.contract import kind_sections, semver, yaml_text
from codegen_ast.patterns.contribution import Contribution, NodeContext


def routing_table(
    package: str, entry_class: str, entries: Sequence[dict[str, Any]], strategy: str = "operation_match"
) -> dict[str, Any]:
    """``handler_routing``: the entry handler as ``default_handler`` (dotted, so the
    runtime and the compliance scan import it) and ``entries``; ``payload_type_match``
    when consumed events are routed by their model (every entry names one)."""
    return {
        "version": dict(VERSION),
        "routing_strategy": strategy,
        "default_handler": f"{package}.handler:{entry_class}",
        "handlers": list(entries),
    }


def payload_keyed(names: DeclarativeNames, routes: Sequence[dict[str, Any]]) -> bool:
    """Whether ``handler_routing`` is ``payload_type_match``: the contract routes by payload
    type, or (a node not routed by topic) the node adds routes the framework keys by their
    event model (consumed events, discovery). Then each operation is keyed by a payload
    model of its own (``names.payload_models()``): one model shared by every operation
    would route one payload type to every operation's handler."""
    declared = names.spec.declared
    if declared is not None and declared.topic_routed:
        return False
    return names.payload_routed or bool(routes)


def operation_entry(names: DeclarativeNames, operation: str, routed: str, topic: str | None,
                    keyed_by_payload: bool = False) -> dict[str, Any]:
    """One operation's route: its command ``topic`` (none when the contract declares none).
    Routed by payload type (payload_type_match: as the contract writes it, or because the
    node routes consumed events), the entry names the operation's own payload model, keeps
    the route's ``event_type`` and ``message_category`` as written, and an ``operation``
    only where the contract wrote one (always, for a spec of ours)."""
    route = names.spec.declared.handler_for(operation) if names.spec.declared else None
    if keyed_by_payload:
        model, file = names.payload_models()[operation]
        written = {key: value for key, value in (("event_type", route.event_type if route else None),
                                                  ("message_category", route.message_category if route else None))
                   if value is not None}
        keyed = {"operation": routed} if route is None or route.operation is not None else {}
    else:  # operation_match, or topic_pattern: the entry's topic glob as written, beside its operation
        pattern = names.spec.declared.topic_pattern(operation) if names.spec.declared else None
        written = {"event_type": pattern} if pattern else {}
        model, file, keyed = names.request_model, names.request_module, {"operation": routed}
    return {
        **keyed,
        **({"subscribe_topic": topic} if topic else {}),
        "event_model": {"name": model, "module": f"{names.package}.models.{file}"},
        **written,
        "handler": {"name": names.handler_class(operation), "module": f"{names.package}.handlers.{names.handler_module(operation)}"},
    }


def _topic_keyed(route: dict[str, Any]) -> dict[str, Any]:
    """A route the generator adds (discovery, a consumed event) in a contract that routes by
    topic: RuntimeLocal requires an ``operation`` of every entry but under payload_type_match,
    so the entry names its event type there too (its ``event_type`` is kept for dispatch)."""
    if "operation" in route or "event_type" not in route:
        return route
    return {"operation": route["event_type"], **route}


def command_topics(context: NodeContext, names: DeclarativeNames) -> dict[str, str | None]:
    """Each operation's command topic: the node's own for a spec of ours; for a contract, the
    topic its routing entry subscribes to, else its first declared subscribe topic, else none
    (no topic the contract does not declare)."""
    declared = context.spec.declared
    if declared is None:
        return dict.fromkeys(context.operations, names.command_topic)
    first = declared.subscribe_topics[0] if declared.subscribe_topics else None
    topics: dict[str, str | None] = {}
    for operation in context.operations:
        route = declared.handler_for(operation)
        written = route.extra.get("subscribe_topic") if route is not None else None
        topics[operation] = written if isinstance(written, str) else first
    return topics


def build_contract(
    context: NodeContext, names: DeclarativeNames, contributions: Sequence[Contribution], publish_topics: Sequence[str]
) -> str:
    spec = context.spec
    package = names.package
    impure = not context.kind.computes
    sections: dict[str, Any] = {}
    routes: list[dict[str, Any]] = []
    publishes = [*publish_topics]
    for contribution in contributions:
        sections |= contribution.contract
        routes += contribution.routes
        publishes += contribution.publishes
    commands = command_topics(context, names)
    by_payload = payload_keyed(names, routes)
    declared = spec.declared
    topic_routed = declared is not None and declared.topic_routed  # kept: the contract routes by topic
    if declared is None:  # a spec of ours: the node's command and terminal topics
        subscribe, publish, terminal = [names.command_topic], [names.terminal_topic], names.terminal_topic
    else:  # a contract's topics as written, nothing invented
        subscribe, publish, terminal = [*declared.subscribe_topics], [*declared.publish_topics], None
    subscribe = list(dict.fromkeys([*subscribe, *(t for t in commands.values() if t), *(r["subscribe_topic"] for r in routes)]))
    publish = list(dict.fromkeys([*publish, *publishes]))
    data: dict[str, Any] = {
        "name": declared.contract_name if declared is not None else spec.name,
        "contract_version": semver("1.0.0"),
        "node_version": semver(spec.version),
        "node_type": context.kind.contract_type,
        "node_kind": spec.node_type,
        "description": yaml_text(spec.description),
        "input_model": f"{package}.models.{names.request_module}.{names.request_model}",
        "output_model": f"{package}.models.{names.answer_module}.{names.answer_model}",
        **kind_sections(context, declarative=True),
        **sections,
        "descriptor": {
            "node_archetype": spec.node_type,
            "purity": "impure" if impure else "pure",
            "idempotent": not impure,
            "timeout_ms": 30000,
        },
        **({"event_bus": {"version": dict(VERSION), "subscribe_topics": subscribe, "publish_topics": publish}}
           if subscribe or publish else {}),
        **({"terminal_event": terminal} if terminal else {}),
        "handler_routing": routing_table(
            package, names.entry_class,
            [*(operation_entry(names, op, spec.routed(op), commands[op]) for op in context.operations),
             *(_topic_keyed(route) for route in routes)] if topic_routed else
            [*(operation_entry(names, op, spec.routed(op), commands[op], by_payload) for op in context.operations),
             *routes],
            "topic_pattern" if topic_routed else "payload_type_match" if by_payload else "operation_match",
        ),
    }
    if declared is not None:  # what the source contract wrote and the generator does not: carried unchanged
        written = {**declared.carried, **declared.kept}
        if "descriptor" in written:  # the contract's own descriptor, not the generated one
            data["descriptor"] = written["descriptor"]
        data |= {key: value for key, value in written.items() if key not in data}
    yaml = YAML(typ="rt", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096
    stream = io.StringIO()
    stream.write(f"# ONEX contract of {spec.class_name} (declarative), written by codegen-ast.\n")
    yaml.dump(data, stream)
    return stream.getvalue()

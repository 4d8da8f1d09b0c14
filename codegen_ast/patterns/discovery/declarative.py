"""Discovery in the declarative shape: the contract routes the framework's discovery
command topic to the node's discovery handler (``handlers/handler_node_discovery.py``,
on ``onex_support``'s ``DiscoveryHandler``), which the runtime delivers each request
to and which answers on the discovery event topic through the framework's responder,
with what the node declares: its name, type, version, description, operations and
capabilities."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.declarative.names import DeclarativeNames
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.record import Earlier
from codegen_ast.spec import NodeSpec
from codegen_ast.target import DISCOVERY_COMMANDS_TOPIC, DISCOVERY_EVENTS_TOPIC, DISCOVERY_REQUEST_EVENT

MODULE = "handler_node_discovery"
HANDLER = "HandlerNodeDiscovery"
DISCOVERY_HANDLER = (f".{MODULE}", HANDLER)  # its entry in the package's handlers/__init__.py
COMMAND_MODEL = ("onex_support.discovery", "ModelDiscoveryCommand")


def node_version(spec: NodeSpec) -> tuple[int, int, int]:
    """The node's version as the discovery handler declares it: (major, minor, patch)."""
    major, minor, patch = (int(part) for part in spec.version.split(".")[:3])
    return major, minor, patch


def answered_operations(context: NodeContext) -> list[str]:
    """The operations the discovery handler declares, as routed."""
    return [context.spec.routed(op) for op in context.operations]


def _handler(context: NodeContext, names: DeclarativeNames) -> cst.Module:
    spec = context.spec
    major, minor, patch = node_version(spec)
    imports = (
        b.ImportSet()
        .add("onex_support.handlers", "DiscoveryHandler")
        .add(f"..registry.{names.registry_module}", "REGISTRY", names.resources_class)
    )
    cls = b.class_(
        HANDLER,
        [b.subscript("DiscoveryHandler", names.resources_class)],
        [
            b.assign("registry", "REGISTRY"),
            b.assign("node_name", b.string_literal(spec.name)),
            b.assign("node_type", b.string_literal(spec.node_type)),
            b.assign("node_version", b.tuple_(b.literal(major), b.literal(minor), b.literal(patch))),
            b.assign("description", b.string_literal(spec.description)),
            b.assign("operations", b.tuple_(*(b.string_literal(op) for op in answered_operations(context)))),
            b.assign("capabilities", b.tuple_(*(b.string_literal(capability) for capability in spec.capabilities))),
        ],
        doc=f"Answers the framework's discovery requests for {spec.class_name}.",
    )
    exports = b.assign("__all__", b.list_(b.string_literal(HANDLER)))
    return b.module([*imports.statements(), exports, cls], doc=f"The discovery requests to {spec.class_name}.")


def build_declarative(context: NodeContext, earlier: Earlier) -> Contribution:
    names = DeclarativeNames.of(context.spec)
    contribution = Contribution(publishes=[DISCOVERY_EVENTS_TOPIC])
    contribution.modules[f"handlers/{MODULE}.py"] = _handler(context, names)
    contribution.handler_exports.append(DISCOVERY_HANDLER)
    module, model = COMMAND_MODEL
    contribution.routes.append({
        "event_type": DISCOVERY_REQUEST_EVENT,
        "subscribe_topic": DISCOVERY_COMMANDS_TOPIC,
        "event_model": {"name": model, "module": module},
        "handler": {"name": HANDLER, "module": f"{names.package}.handlers.{MODULE}"},
    })
    return contribution

"""``registry/registry_<name>.py``: what the node's handlers are given — its
resources class over ``NodeResources`` and ``REGISTRY`` (one shared instance per
event loop) — and the events it declares."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.patterns.contribution import ResourceDecl

SUPPORT = "onex_support"


@dataclass(frozen=True)
class EventDecl:
    """``<CONSTANT> = DeclaredEvent(event_type, topic)``."""

    constant: str
    event_type: str
    topic: str


@dataclass
class RegistryParts:
    resources: list[ResourceDecl] = field(default_factory=list)
    events: list[EventDecl] = field(default_factory=list)
    base: tuple[str, str] = (f"{SUPPORT}.resources", "NodeResources")
    leading: tuple[str, ...] = ()  # attributes the base takes right after the node's name
    statements: list[cst.BaseStatement] = field(default_factory=list)  # module level, before the class


def build_registry(node: str, name: str, resources_class: str, parts: RegistryParts, api: int) -> cst.Module:
    imports = b.ImportSet().add(SUPPORT, "require_api").add(f"{SUPPORT}.resources", "Registry")
    imports.add(*parts.base)
    body: list[cst.BaseStatement] = []
    for resource in parts.resources:
        for module, item in sorted(resource.imports):
            imports.add(module, item)
        body.append(b.assign(b.attr("self", resource.attribute), resource.value, resource.annotation))
    arguments: list[b.ExprLike | cst.Arg] = [b.string_literal(name)]
    arguments += [b.attr("self", attribute) for attribute in parts.leading]
    arguments += [b.attr("self", resource.attribute) for resource in parts.resources
                  if resource.managed and resource.attribute not in parts.leading]
    publisher = next((r for r in parts.resources if r.publisher), None)
    keywords = {"publisher": b.attr("self", publisher.attribute)} if publisher else {}
    body.append(b.do(b.call(b.attr(b.call("super"), "__init__"), *arguments, **keywords)))
    init = b.method("__init__", [], body, returns="None")
    what = ", ".join(resource.attribute for resource in parts.resources) or "no integration"
    cls = b.class_(resources_class, [parts.base[1]], [init], doc=f"What the handlers of {node} share: {what}.")
    registry = b.assign("REGISTRY", b.call("Registry", resources_class), b.subscript("Registry", resources_class))
    events: list[cst.BaseStatement] = []
    if parts.events:
        imports.add(f"{SUPPORT}.events", "DeclaredEvent")
        events = [
            b.assign(event.constant, b.call("DeclaredEvent", b.string_literal(event.event_type), b.string_literal(event.topic)))
            for event in parts.events
        ]
    exported = sorted(["REGISTRY", resources_class, *(event.constant for event in parts.events)])
    return b.module(
        [
            *imports.statements(),
            b.assign("__all__", b.list_(*(b.string_literal(item) for item in exported))),
            b.do(b.call("require_api", b.literal(api))),
            *events,
            *parts.statements,
            cls,
            registry,
        ],
        doc=f"The resources of {node}'s handlers.",
    )



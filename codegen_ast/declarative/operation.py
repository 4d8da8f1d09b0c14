"""``handlers/handler_<operation>.py``: one operation on an ``onex_support``
handler base — ``operation``, ``registry``, its declared ``events`` and the body a
pattern contributed (``RunBody``)."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.declarative.models import maybe
from codegen_ast.declarative.names import DeclarativeNames
from codegen_ast.patterns.contribution import RunBody

SUPPORT = "onex_support"


def model_imports(names: DeclarativeNames, depth: str = "..") -> b.ImportSet:
    return (
        b.ImportSet()
        .add(f"{depth}models.{names.request_module}", names.request_model)
        .add(f"{depth}models.{names.answer_module}", names.answer_model)
    )


def build_operation_handler(
    names: DeclarativeNames,
    operation: str,
    summary: str,
    run: RunBody,
    events: Sequence[str] = (),
    cached: bool = False,
    routed: str | None = None,
) -> cst.Module:
    """The handler class of ``operation`` (``events``: the registry constants of
    the events it declares; ``cached``: answered cache-aside, ``run`` asking the
    node's answer cache, which calls ``compute`` on a miss; ``routed``: the operation as the
    contract wrote it, which requests carry, when it differs)."""
    imports = model_imports(names).add(f"{SUPPORT}.handlers", run.base)
    imports.add(f"..registry.{names.registry_module}", "REGISTRY", names.resources_class, *events)
    for module, item in sorted(run.imports):
        if item:
            imports.add(module, item)
        else:
            imports.add(module)
    members: list[cst.BaseStatement] = [
        b.assign("operation", b.string_literal(routed or operation)),
        b.assign("registry", "REGISTRY"),
    ]
    if events:
        members.append(b.assign("events", cst.Tuple([cst.Element(b.name(event)) for event in events])))
    members += run.members
    if cached and run.method == "fold":  # a fold's base answers cache-aside: the state is part of the key
        members.append(b.assign("cached", "True"))
        cached = False
    if run.method == "reduce":
        second = Param("transition", "Transition")
    elif run.method == "fold":
        second = Param("state", maybe(names.answer_model, imports))
    else:
        second = Param("resources", names.resources_class)
    params = [Param("request", names.request_model), second]
    method = b.method(
        "compute" if cached else run.method, params, list(run.statements),
        returns=names.answer_model, is_async=True, doc=run.doc or None,
    )
    methods = [method] if run.statements else []  # a saga's run is its base's: it only declares stages
    if cached:
        compute = cst.Lambda(cst.Parameters(), b.call("self.compute", "request", "resources"))
        answer = b.call("resources.cache.answer", "request", b.call("self.declared_fields", "request"),
                        names.answer_model, compute, "resources")
        methods.insert(0, b.method(run.method, params, [b.return_(b.await_(answer))], returns=names.answer_model,
                                   is_async=True, doc="Cache-aside: the cached answer to the same fields, else compute()."))
    cls = b.class_(
        names.handler_class(operation),
        [b.subscript(run.base, names.request_model, names.answer_model, names.resources_class)],
        [*members, *methods],
        doc=summary,
    )
    exports = b.assign("__all__", b.list_(b.string_literal(names.handler_class(operation))))
    return b.module([*imports.statements(), exports, cls], doc=f"The {operation} operation of {names.node_class}.")

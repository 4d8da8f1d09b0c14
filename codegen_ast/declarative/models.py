"""``models/``: the node's request and answer, plain frozen pydantic models.

Every request has ``operation: Literal[...]`` and ``correlation_id``; every answer
echoes both. String ids (``*_id: str``) are ``onex_support.values.Identifier``
(the framework's validators refuse a bare ``str`` there)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.declarative.names import DeclarativeNames
from codegen_ast.files.models import (
    framework_input_head,
    framework_output_head,
    declare_fields,
    filled_head,
    formula_inputs,
    implementations,
    imported_declared,
    input_fields,
    output_fields,
    untyped_line,
)
from codegen_ast.spec import FieldSpec, NodeSpec
from codegen_ast.spec.names import declared_model
from codegen_ast.target import SERIALIZED_DICT, Symbol, node_kind

SUPPORT = "onex_support"
# ``T | None`` spelled through onex_support's alias: the framework's union budget
# (onex validate's union-usage, 100 per tree) counts the alias once, not once per
# optional field of every package of a project
MAYBE = "Maybe"


def maybe(node: b.ExprLike, imports: b.ImportSet) -> cst.BaseExpression:
    """``Maybe[node]``, imported from onex_support.values."""
    imports.add(f"{SUPPORT}.values", MAYBE)
    return b.subscript(MAYBE, node)


def _optional_anywhere(field: FieldSpec) -> bool:
    kind = field.type
    while True:
        if kind.optional:
            return True
        if kind.item is None:
            return False
        kind = kind.item


def _identifier(field: FieldSpec) -> FieldSpec:
    if field.name.endswith("_id") and field.type.kind == "scalar" and field.type.scalar == "str":
        return field.model_copy(update={"type": field.type.model_copy(update={"scalar": "Identifier"})})
    return field


def model_fields(fields: Sequence[FieldSpec], imports: b.ImportSet, finite: frozenset[str] = frozenset()) -> list[cst.BaseStatement]:
    typed = [_identifier(field) for field in fields]
    if any(field.type.scalar == "Identifier" for field in typed):
        imports.add(f"{SUPPORT}.values", "Identifier")
    if any(not field.required or _optional_anywhere(field) for field in typed):
        imports.add(f"{SUPPORT}.values", MAYBE)
    return declare_fields(typed, imports, finite, MAYBE)


def _described(description: str, **keywords: b.ExprLike) -> cst.Call:
    return b.call("Field", **keywords, description=b.string_literal(description))


def _config() -> cst.BaseStatement:
    return b.assign(
        "model_config", b.call("ConfigDict", frozen=b.name("True"), extra=b.string_literal("forbid"))
    )


def framework_model(spec: NodeSpec, which: str) -> Symbol | None:
    """The framework's model of the node type (``ModelReducerInput``...) when the contract
    declares it as the node's ``input_model`` / ``output_model``: the generated model
    extends it, under the node's own name (None otherwise)."""
    ref = getattr(spec.declared, f"{which}_model", None) if spec.declared else None
    framework: Symbol = getattr(node_kind(spec.node_type), f"{which}_model")
    if ref is None or ref.existing is None or ref.existing.missing:
        return None
    return framework if ref.existing.ancestry[:1] == [f"{framework.module}.{framework.name}"] else None


@dataclass(frozen=True)
class Base:
    """What a generated model extends: the base class, the declared fields it declares
    itself, a docstring line, the required fields of the base the contract gives no value
    for (defaulted: the framework's model of the node type, or an existing declared model)
    and the classes those defaults need, written before the model."""

    base: b.ExprLike
    fields: list[FieldSpec]
    said: str
    head: list[cst.BaseStatement]
    before: list[cst.BaseStatement]


def _base(spec: NodeSpec, which: str, fields: list[FieldSpec], imports: b.ImportSet) -> Base:
    """A model the contract declares under its own name and that exists is extended,
    imported (its fields are its own, not copied; its required fields the contract does not
    give, defaulted from their types); the framework's model of the node type, declared as
    the node's, is extended (parametrised with SerializedDict where it is generic, its
    required fields defaulted); else a plain ``BaseModel``. A field declared without a type is said."""
    framework = framework_model(spec, which)
    if framework is not None:
        imports.add(framework.module, framework.name)
        base: b.ExprLike = framework.name
        if node_kind(spec.node_type).generic:
            imports.add(SERIALIZED_DICT.module, SERIALIZED_DICT.name)
            base = b.subscript(framework.name, SERIALIZED_DICT.name)
        said = f" It extends the framework's {framework.name}, which the contract declares as the node's {which} model."
        head = framework_input_head(spec, imports) if which == "input" else framework_output_head(spec, imports)
        return Base(base, fields, said + untyped_line(spec, fields), head, [])
    ref = declared_model(spec, which)
    if ref is None or ref.existing is None or ref.module is None:
        imports.add("pydantic", "BaseModel")
        return Base("BaseModel", fields, untyped_line(spec, fields), [], [])
    alias, own, line = imported_declared(ref, imports)
    kept = [field for field in fields if field.name not in own]
    if ref.existing.fillers:
        line += (f" The contract gives no value for {', '.join(f.name for f in ref.existing.fillers)}, which "
                 f"{ref.name} requires: each is defaulted from its type.")
    return Base(alias, kept, line + untyped_line(spec, kept), filled_head(ref, imports), implementations(ref, imports))


def lists(spec: NodeSpec) -> bool:
    """Whether the node has a database list operation (paged answers)."""
    return spec.database is not None and any(op.crud_kind == "list" for op in spec.effective_operations)


def build_request_model(spec: NodeSpec, names: DeclarativeNames) -> cst.Module:
    imports = b.ImportSet().add("typing", "Literal").add("uuid", "UUID", "uuid4").add("pydantic", "ConfigDict", "Field")
    extended = _base(spec, "input", input_fields(spec), imports)
    base, fields, said = extended.base, extended.fields, extended.said
    operation_type = b.subscript("Literal", *(b.string_literal(op.routed) for op in spec.effective_operations))
    body: list[cst.BaseStatement] = [
        _config(),
        *extended.head,
        b.assign("operation", _described("Which operation of the node to run."), operation_type),
        b.assign("correlation_id", _described("Correlation id carried into the answer, logs, errors and events.",
                                              default_factory="uuid4"), "UUID"),
        *model_fields(fields, imports, formula_inputs(spec)),
    ]
    if lists(spec):
        body += [
            b.assign("limit", _described("Rows per page of a list (default LIST_PAGE_SIZE).", default=b.name("None")),
                     maybe("int", imports)),
            b.assign("cursor", _described("The next_cursor of the previous page.", default=b.name("None")),
                     maybe("str", imports)),
        ]
    doc = f"A request to {names.node_class}: the operation to run and its arguments.{said}"
    model = b.class_(names.request_model, [base], body, doc=doc)
    return b.module([*imports.statements(), *extended.before, model], doc=doc)


def build_payload_model(names: DeclarativeNames, operation: str, routed: str, name: str) -> cst.Module:
    """The payload model the framework routes ``operation`` by (payload_type_match): the
    node's request for that operation. For a contract that routes by payload type its
    ``operation`` is fixed to it (a payload of another type does not validate into it).
    For a node routed by payload only because it consumes events (or has a discovery
    handler), every operation shares the node's one command topic, where RuntimeLocal
    fails a run on a command an entry of that topic does not validate
    (``runtime_local_adapter.on_message``): there the model takes any operation of the
    node, defaulting to its own, and another operation's handler answers None."""
    imports = b.ImportSet().add("typing", "Literal").add("pydantic", "Field")
    imports.add(f".{names.request_module}", names.request_model)
    if names.payload_routed:
        said, kind = f"The {routed} operation, the only one this payload runs.", b.subscript("Literal", b.string_literal(routed))
    else:
        said = f"The operation to run, {routed} unless another is named (all share the node's command topic)."
        kind = b.subscript("Literal", *(b.string_literal(op.routed) for op in names.spec.effective_operations))
    body = [b.assign("operation", _described(said, default=b.string_literal(routed)), kind)]
    doc = (f"The payload the {routed} operation of {names.node_class} is routed by (handler_routing: "
           f"payload_type_match): a {names.request_model} of that operation.")
    return b.module([*imports.statements(), b.class_(name, [names.request_model], body, doc=doc)], doc=doc)


def build_answer_model(spec: NodeSpec, names: DeclarativeNames) -> cst.Module:
    imports = b.ImportSet().add("uuid", "UUID").add("pydantic", "ConfigDict", "Field")
    extended = _base(spec, "output", output_fields(spec), imports)
    base, fields, said = extended.base, extended.fields, extended.said
    body: list[cst.BaseStatement] = [
        _config(),
        *extended.head,
        b.assign("operation", _described("The operation this answers."), "str"),
        b.assign("correlation_id", _described("Correlation id of the request."), "UUID"),
        *model_fields(fields, imports),
    ]
    if spec.state_machine is not None:
        body += [
            b.assign("state", _described("The entity's state after the operation."), "str"),
            b.assign("previous_state", _described("The entity's state before it."), "str"),
        ]
    if lists(spec):
        body += [
            b.assign("records", _described("The rows of a list page.", default_factory="list"),
                     b.annotation("list[dict[str, object]]")),
            b.assign("next_cursor", _described("The cursor of the next page; None on the last.", default=b.name("None")),
                     maybe("str", imports)),
        ]
    doc = f"The answer of {names.node_class}.{said}"
    model = b.class_(names.answer_model, [base], body, doc=doc)
    return b.module([*imports.statements(), *extended.before, model], doc=doc)

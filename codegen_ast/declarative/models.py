"""``models/``: the node's request and answer, plain frozen pydantic models.

Every request has ``operation: Literal[...]`` and ``correlation_id``; every answer
echoes both. String ids (``*_id: str``) are ``onex_support.values.Identifier``
(the framework's validators refuse a bare ``str`` there)."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.declarative.names import DeclarativeNames
from codegen_ast.files.models import (
    declare_fields,
    formula_inputs,
    imported_declared,
    input_fields,
    output_fields,
    untyped_line,
)
from codegen_ast.spec import FieldSpec, NodeSpec
from codegen_ast.spec.names import declared_model

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


def _base(spec: NodeSpec, which: str, fields: list[FieldSpec], imports: b.ImportSet) -> tuple[str, list[FieldSpec], str]:
    """The model's base, the fields it declares and a docstring line: a model the contract
    declares under its own name and that exists is extended, imported (its fields are its
    own, not copied); else a plain ``BaseModel``. A field declared without a type is said."""
    ref = declared_model(spec, which)
    if ref is None or ref.existing is None or ref.module is None:
        imports.add("pydantic", "BaseModel")
        return "BaseModel", fields, untyped_line(spec, fields)
    alias, own, line = imported_declared(ref, imports)
    kept = [field for field in fields if field.name not in own]
    return alias, kept, line + untyped_line(spec, kept)


def lists(spec: NodeSpec) -> bool:
    """Whether the node has a database list operation (paged answers)."""
    return spec.database is not None and any(op.crud_kind == "list" for op in spec.effective_operations)


def build_request_model(spec: NodeSpec, names: DeclarativeNames) -> cst.Module:
    imports = b.ImportSet().add("typing", "Literal").add("uuid", "UUID", "uuid4").add("pydantic", "ConfigDict", "Field")
    base, fields, said = _base(spec, "input", input_fields(spec), imports)
    operation_type = b.subscript("Literal", *(b.string_literal(op.routed) for op in spec.effective_operations))
    body: list[cst.BaseStatement] = [
        _config(),
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
    return b.module([*imports.statements(), b.class_(names.request_model, [base], body, doc=doc)], doc=doc)


def build_answer_model(spec: NodeSpec, names: DeclarativeNames) -> cst.Module:
    imports = b.ImportSet().add("uuid", "UUID").add("pydantic", "ConfigDict", "Field")
    base, fields, said = _base(spec, "output", output_fields(spec), imports)
    body: list[cst.BaseStatement] = [
        _config(),
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
    return b.module([*imports.statements(), b.class_(names.answer_model, [base], body, doc=doc)], doc=doc)

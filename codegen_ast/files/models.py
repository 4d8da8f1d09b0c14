"""models/model_<name>_input.py and _output.py: typed pydantic models."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.spec import FieldSpec, FieldType, NodeSpec
from codegen_ast.target import EFFECT_INPUT, EFFECT_OUTPUT, EFFECT_TYPE, TRANSACTION_STATE, Symbol


def type_expression(field_type: FieldType) -> cst.BaseExpression:
    """Build the annotation for a validated field type, node by node."""
    if field_type.kind == "scalar":
        node: cst.BaseExpression = b.name(field_type.scalar)
    else:
        assert field_type.item is not None
        inner = type_expression(field_type.item)
        node = (
            b.subscript("list", inner)
            if field_type.kind == "list"
            else b.subscript("dict", "str", inner)
        )
    return b.binop(node, "|", "None") if field_type.optional else node


def _field_statement(field: FieldSpec) -> cst.BaseStatement:
    annotation = type_expression(field.type)
    keywords: dict[str, b.ExprLike] = {}
    if not field.required:
        if not field.type.optional:
            annotation = b.binop(annotation, "|", "None")
        keywords["default"] = b.name("None")
    if field.description:
        keywords["description"] = b.string_literal(field.description)
    if not keywords:
        return b.declare(field.name, annotation)
    if list(keywords) == ["default"]:
        return b.assign(field.name, keywords["default"], annotation)
    return b.assign(field.name, b.call("Field", **keywords), annotation)


def effect_type(spec: NodeSpec) -> str:
    """The EnumEffectType member the node's requests carry by default."""
    signals = set(spec.dependencies) | {spec.domain.lower()}
    for member, triggers in (
        ("DATABASE_OPERATION", {"postgres", "database", "db"}),
        ("EVENT_EMISSION", {"kafka", "events", "messaging"}),
        ("API_CALL", {"http", "api"}),
    ):
        if signals & triggers:
            return member
    return "API_CALL"


def _model_module(
    class_name: str,
    doc: str,
    base: Symbol,
    head: Sequence[cst.BaseStatement],
    fields: Sequence[FieldSpec],
    imports: b.ImportSet,
) -> cst.Module:
    imports.add("pydantic", "ConfigDict", "Field").add(base.module, base.name)
    for field in fields:
        for module, item in field.type.modules():
            imports.add(module, item)
    config = b.assign("model_config", b.call("ConfigDict", extra=b.string_literal("forbid")))
    body = [config, *head, *(_field_statement(field) for field in fields)]
    node_class = b.class_(class_name, [base.name], body, doc=doc)
    return b.module([*imports.statements(), node_class], doc=doc)


def _described(value: b.ExprLike | None, description: str, factory: str | None = None) -> cst.Call:
    keywords: dict[str, b.ExprLike] = {}
    if factory is not None:
        keywords["default_factory"] = factory
    elif value is not None:
        keywords["default"] = value
    keywords["description"] = b.string_literal(description)
    return b.call("Field", **keywords)


def input_model_name(spec: NodeSpec) -> str:
    return f"Model{spec.camel}Input"


def output_model_name(spec: NodeSpec) -> str:
    return f"Model{spec.camel}Output"


def build_input_model(spec: NodeSpec) -> cst.Module:
    operation_type = b.subscript("Literal", *(b.string_literal(op.name) for op in spec.effective_operations))
    kind = effect_type(spec)
    head = [
        b.assign("effect_type", f"EnumEffectType.{kind}", "EnumEffectType"),
        b.assign("operation", _described(None, "Which operation of the node to run."), operation_type),
        b.assign(
            "correlation_id",
            _described(None, "Correlation id carried into the output, logs and errors.", "uuid4"),
            "UUID",
        ),
    ]
    imports = b.ImportSet().add("typing", "Literal").add("uuid", "UUID", "uuid4")
    imports.add(EFFECT_TYPE.module, EFFECT_TYPE.name)
    return _model_module(
        input_model_name(spec),
        f"Input of {spec.class_name}: the operation to run and its arguments.",
        EFFECT_INPUT,
        head,
        spec.input_fields,
        imports,
    )


def build_output_model(spec: NodeSpec) -> cst.Module:
    kind = effect_type(spec)
    head = [
        b.assign(
            "result",
            _described(None, "The declared output fields as plain data (set by the node).", "dict"),
            "EffectResultType",
        ),
        b.assign(
            "operation_id",
            _described(None, "Operation id of the request this output answers.", "uuid4"),
            "UUID",
        ),
        b.assign("effect_type", f"EnumEffectType.{kind}", "EnumEffectType"),
        b.assign("transaction_state", "EnumTransactionState.COMMITTED", "EnumTransactionState"),
        b.assign("processing_time_ms", b.literal(0.0), "float"),
        b.assign(
            "correlation_id",
            _described(b.name("None"), "Correlation id of the request."),
            b.binop("UUID", "|", "None"),
        ),
    ]
    imports = b.ImportSet().add("uuid", "UUID", "uuid4")
    imports.add(EFFECT_TYPE.module, EFFECT_TYPE.name, TRANSACTION_STATE.name)
    imports.add("omnibase_core.types.type_effect_result", "EffectResultType")
    return _model_module(
        output_model_name(spec),
        f"Output of {spec.class_name}.",
        EFFECT_OUTPUT,
        head,
        spec.output_fields,
        imports,
    )

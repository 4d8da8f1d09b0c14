"""models/model_<name>_input.py and _output.py: typed pydantic models."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast import formulas
from codegen_ast.spec import FieldSpec, FieldType, NodeSpec
from codegen_ast.spec.declared import Filler, ModelRef, Spelled, Value
from codegen_ast.target import (
    node_kind,
    EFFECT_RESULT,
    EFFECT_TYPE,
    REDUCTION_TYPE,
    SERIALIZED_DICT,
    Symbol,
    TRANSACTION_STATE,
    WORKFLOW_STEP,
)


# Lower-case names a field's annotation may use, and where they come from. A
# model field of the same name rebinds it in the class body (the value is bound
# before the annotation is read), so `str: str | None = None` would read None.
_SHADOWABLE = {
    "str": "builtins", "int": "builtins", "float": "builtins", "bool": "builtins", "bytes": "builtins",
    "list": "builtins", "dict": "builtins", "date": "datetime", "datetime": "datetime",
}


def optional(node: cst.BaseExpression, maybe: str | None = None) -> cst.BaseExpression:
    """``node | None``, or ``Maybe[node]`` with ``maybe`` (the name of a shared alias of
    ``T | None``: the framework's union budget counts an alias once)."""
    return b.binop(node, "|", "None") if maybe is None else b.subscript(maybe, node)


def type_expression(
    field_type: FieldType, aliases: dict[str, str] | None = None, maybe: str | None = None
) -> cst.BaseExpression:
    """Build the annotation for a validated field type, node by node (``aliases``: names to
    spell otherwise; ``maybe``: see :func:`optional`)."""
    spell = aliases or {}
    if field_type.kind == "scalar":
        node: cst.BaseExpression = b.name(spell.get(field_type.scalar, field_type.scalar))
    else:
        assert field_type.item is not None
        inner = type_expression(field_type.item, aliases, maybe)
        node = (
            b.subscript(spell.get("list", "list"), inner)
            if field_type.kind == "list"
            else b.subscript(spell.get("dict", "dict"), spell.get("str", "str"), inner)
        )
    return optional(node, maybe) if field_type.optional else node


def declare_fields(
    fields: Sequence[FieldSpec], imports: b.ImportSet, finite: frozenset[str] = frozenset(), maybe: str | None = None
) -> list[cst.BaseStatement]:
    """The class-body statements of ``fields``, with the imports their types need
    (``maybe``: see :func:`optional`; the caller imports it).

    A type name that is also a field's name is imported under a private alias
    (``from builtins import str as _str``), which no field can shadow."""
    aliases = {item.name: f"_{item.name}" for item in fields if item.name in _SHADOWABLE}
    for item in fields:
        for module, name in item.type.modules():
            imports.add(module, f"{name} as {aliases[name]}" if name in aliases else name)
    for name, alias in aliases.items():
        if _SHADOWABLE[name] == "builtins":
            imports.add("builtins", f"{name} as {alias}")
    statements: list[cst.BaseStatement] = [field_statement(item, item.name in finite, aliases, maybe) for item in fields]
    secrets = [item for item in fields if item.secret]
    if secrets:
        imports.add("pydantic", "field_serializer")
        statements.append(_secrets_in_json(secrets))
    return statements


def _union(names: Sequence[str]) -> cst.BaseExpression:
    """``A | B | None`` from type names."""
    union: cst.BaseExpression = b.name(names[0])
    for item in names[1:]:
        union = b.binop(union, "|", item)
    return union


def _secrets_in_json(secrets: Sequence[FieldSpec]) -> cst.FunctionDef:
    """The serializer that puts a secret's value into JSON, the wire format, and nowhere else."""
    kinds = sorted({item.type.scalar for item in secrets})
    plain = {"SecretStr": "str", "SecretBytes": "bytes"}
    return b.method(
        "_secrets_in_json",
        [Param("value", _union([*kinds, "None"]))],
        [b.return_(b.if_exp(b.compare("value", "is", "None"), "None", b.call("value.get_secret_value")))],
        returns=_union([*(plain[kind] for kind in kinds), "None"]),
        doc=(
            "JSON (a request body, the cache, an event) carries the secret's value, which the node must send; "
            "repr(), str() and logs show '**********'."
        ),
        decorators=[b.call("field_serializer", *(b.string_literal(item.name) for item in secrets),
                           when_used=b.string_literal("json"))],
    )


def field_statement(
    field: FieldSpec, finite: bool = False, aliases: dict[str, str] | None = None, maybe: str | None = None
) -> cst.BaseStatement:
    annotation = type_expression(field.type, aliases, maybe)
    keywords: dict[str, b.ExprLike] = {}
    if not field.required or field.type.optional:  # a field that may be None may also be left out
        if not field.type.optional:
            annotation = optional(annotation, maybe)
        keywords["default"] = b.name("None")
    if finite:
        keywords["allow_inf_nan"] = b.name("False")
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
    bases: Sequence[cst.BaseExpression],
    head: Sequence[cst.BaseStatement],
    fields: Sequence[FieldSpec],
    imports: b.ImportSet,
    finite: frozenset[str] = frozenset(),
    before: Sequence[cst.BaseStatement] = (),
) -> cst.Module:
    imports.add("pydantic", "ConfigDict", "Field")
    config = b.assign("model_config", b.call("ConfigDict", extra=b.string_literal("forbid")))
    body = [config, *head, *declare_fields(fields, imports, finite)]
    node_class = b.class_(class_name, list(bases), body, doc=doc)
    return b.module([*imports.statements(), *before, node_class], doc=doc)


def _described(value: b.ExprLike | None, description: str, factory: str | None = None) -> cst.Call:
    keywords: dict[str, b.ExprLike] = {}
    if factory is not None:
        keywords["default_factory"] = factory
    elif value is not None:
        keywords["default"] = value
    keywords["description"] = b.string_literal(description)
    return b.call("Field", **keywords)


def input_model_name(spec: NodeSpec) -> str:
    return spec.input_model_class


def output_model_name(spec: NodeSpec) -> str:
    return spec.output_model_class


def _base_type(base: Symbol, spec: NodeSpec) -> cst.BaseExpression:
    """The framework model, parametrised with SerializedDict where it is generic."""
    if node_kind(spec.node_type).generic:
        return b.subscript(base.name, SERIALIZED_DICT.name)
    return b.name(base.name)


def framework_input_head(spec: NodeSpec, imports: b.ImportSet) -> list[cst.BaseStatement]:
    """Defaults for the required fields of the framework's input model of the node type."""
    return _input_head(spec, imports)


def framework_output_head(spec: NodeSpec, imports: b.ImportSet) -> list[cst.BaseStatement]:
    """Defaults for the required fields of the framework's output model of the node type
    (the correlation id is the answer's own)."""
    if not node_kind(spec.node_type).runs_workflow:
        imports.add("uuid", "uuid4")
    return [statement for statement in _output_head(spec, imports) if _assigned(statement) != "correlation_id"]


def _assigned(statement: cst.BaseStatement) -> str | None:
    """The name an annotated assignment statement binds."""
    if isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.AnnAssign):
        target = statement.body[0].target
        return target.value if isinstance(target, cst.Name) else None
    return None


def _operation_and_correlation(spec: NodeSpec) -> list[cst.BaseStatement]:
    operation_type = b.subscript("Literal", *(b.string_literal(op.routed) for op in spec.effective_operations))
    return [
        b.assign("operation", _described(None, "Which operation of the node to run."), operation_type),
        b.assign(
            "correlation_id",
            _described(None, "Correlation id carried into the output, logs and errors.", "uuid4"),
            "UUID",
        ),
    ]


_UNUSED_PAYLOAD = "Unused by typed requests: their fields are declared below."


def _input_head(spec: NodeSpec, imports: b.ImportSet) -> list[cst.BaseStatement]:
    """Defaults for the framework model's required fields, so that a typed
    request needs only its operation and the spec's fields."""
    kind = node_kind(spec.node_type)
    if kind.performs_io:
        imports.add(EFFECT_TYPE.module, EFFECT_TYPE.name)
        return [b.assign("effect_type", f"EnumEffectType.{effect_type(spec)}", "EnumEffectType")]
    if kind.computes:
        return [b.assign("data", _described(None, _UNUSED_PAYLOAD, "dict"), SERIALIZED_DICT.name)]
    if kind.keeps_state:
        imports.add(REDUCTION_TYPE.module, REDUCTION_TYPE.name)
        return [
            b.assign("data", _described(None, _UNUSED_PAYLOAD, "list"), b.subscript("list", SERIALIZED_DICT.name)),
            b.assign("reduction_type", "EnumReductionType.FOLD", "EnumReductionType"),
        ]
    imports.add(WORKFLOW_STEP.module, WORKFLOW_STEP.name)
    return [
        b.assign("workflow_id", _described(None, "Identifier of this workflow run.", "uuid4"), "UUID"),
        b.assign(
            "steps",
            _described(None, "Steps to run as given; when empty the operation's handler plans them.", "list"),
            b.subscript("list", WORKFLOW_STEP.name),
        ),
    ]


def _output_head(spec: NodeSpec, imports: b.ImportSet) -> list[cst.BaseStatement]:
    """Defaults for the framework model's required fields: the node fills them."""
    correlation = b.assign(
        "correlation_id",
        _described(b.name("None"), "Correlation id of the request."),
        b.binop("UUID", "|", "None"),
    )
    kind = node_kind(spec.node_type)
    if kind.runs_workflow:
        by_node = "(set by the node)."
        return [
            b.assign("execution_status", _described(b.string_literal("pending"), f"Status of the workflow run {by_node}"), "str"),
            b.assign("execution_time_ms", b.literal(0), "int"),
            b.assign("start_time", _described(b.string_literal(""), f"ISO timestamp of the workflow run {by_node}"), "str"),
            b.assign("end_time", _described(b.string_literal(""), f"ISO timestamp of the workflow run {by_node}"), "str"),
            correlation,
        ]
    result_type: b.ExprLike = SERIALIZED_DICT.name
    if kind.performs_io:
        imports.add(*EFFECT_RESULT)
        result_type = "EffectResultType"
    head = [
        b.assign("result", _described(None, "The declared output fields as plain data (set by the node).", "dict"), result_type),
        b.assign("operation_id", _described(None, "Operation id of the request this output answers.", "uuid4"), "UUID"),
    ]
    if kind.performs_io:
        imports.add(EFFECT_TYPE.module, EFFECT_TYPE.name, TRANSACTION_STATE.name)
        head += [
            b.assign("effect_type", f"EnumEffectType.{effect_type(spec)}", "EnumEffectType"),
            b.assign("transaction_state", "EnumTransactionState.COMMITTED", "EnumTransactionState"),
        ]
    elif kind.computes:
        head.append(
            b.assign(
                "computation_type",
                _described(b.string_literal("default"), "The operation that produced this output (set by the node)."),
                "str",
            )
        )
    else:
        imports.add(REDUCTION_TYPE.module, REDUCTION_TYPE.name)
        head.append(b.assign("reduction_type", "EnumReductionType.FOLD", "EnumReductionType"))
    head.append(b.assign("processing_time_ms", b.literal(0.0), "float"))
    if kind.keeps_state:
        head.append(
            b.assign("items_processed", _described(b.literal(1), "Events folded into the state: one per process()."), "int")
        )
    return [*head, correlation]


def _extending(
    spec: NodeSpec, ref: ModelRef | None, base: Symbol, fields: list[FieldSpec], imports: b.ImportSet
) -> tuple[list[cst.BaseExpression], list[FieldSpec], str]:
    """The bases, the declared fields to declare and a docstring line: a declared model that
    exists is extended, imported under an alias (its fields are its own, not copied); the
    framework's model is added as a base unless the declared one is, or derives from, it."""
    if ref is None or ref.existing is None or ref.module is None:
        imports.add(base.module, base.name)
        return [_base_type(base, spec)], fields, ""
    alias, own, line = imported_declared(ref, imports)
    framework = f"{base.module}.{base.name}"
    ancestry = [entry.split("[", 1)[0] for entry in ref.existing.ancestry]
    if ancestry[0] == framework:  # the framework's model itself
        declared: cst.BaseExpression = (
            b.subscript(alias, SERIALIZED_DICT.name) if node_kind(spec.node_type).generic else b.name(alias)
        )
        bases = [declared]
    elif framework in ancestry:
        bases = [b.name(alias)]
    else:
        imports.add(base.module, base.name)
        bases = [b.name(alias), _base_type(base, spec)]
    return bases, [field for field in fields if field.name not in own], line


def imported_declared(ref: ModelRef, imports: b.ImportSet) -> tuple[str, set[str], str]:
    """A declared model that exists, imported under an alias to be extended: the alias,
    the fields it has already (not declared again) and the docstring line saying so."""
    assert ref.existing is not None and ref.module is not None
    alias = f"Declared{ref.name}"
    imports.add(ref.module, f"{ref.name} as {alias}")
    return alias, set(ref.existing.fields), f" It extends {ref.name} of {ref.module} (imported, not copied)."


def _spelled(spelled: Spelled, imports: b.ImportSet) -> cst.BaseExpression:
    """The annotation a Spelled tree stands for, node by node (its names imported)."""
    if spelled.name == "" or spelled.name == "Literal" and not spelled.args:
        return b.literal(spelled.literal)
    if spelled.name == "|":
        parts = [_spelled(arg, imports) for arg in spelled.args]
        union = parts[0]
        for part in parts[1:]:
            union = b.binop(union, "|", part)
        return union
    if spelled.name == "...":
        return cst.Ellipsis()
    if spelled.module:
        imports.add(spelled.module, spelled.name)
    return b.subscript(spelled.name, *(_spelled(arg, imports) for arg in spelled.args)) if spelled.args else b.name(spelled.name)


def _value(value: Value, imports: b.ImportSet) -> cst.BaseExpression:
    """The expression of a default (a ``build`` is a call)."""
    assert value.kind == "literal" or value.symbol is not None
    if value.kind == "literal":
        return b.name("None") if value.literal is None else b.literal(value.literal)
    assert value.symbol is not None
    symbol = _spelled(value.symbol, imports)
    if value.kind == "member":
        return b.attr(symbol, value.member)
    return b.call(symbol, **{key: _value(item, imports) for key, item in value.keywords.items()})


def filler_statement(filler: Filler, owner: str, imports: b.ImportSet) -> cst.BaseStatement:
    """A required field of ``owner`` the contract gives no value for, declared again with
    the default derived from its type."""
    said = f"Required by {owner}; the contract gives no value: defaulted from its type."
    annotation = _spelled(filler.type, imports)
    if filler.default.kind == "literal" or filler.default.kind == "member":
        return b.assign(filler.name, _described(_value(filler.default, imports), said), annotation)
    built = _value(filler.default, imports)
    factory: cst.BaseExpression = built.func if isinstance(built, cst.Call) and not built.args else cst.Lambda(cst.Parameters(), built)
    return b.assign(filler.name, b.call("Field", default_factory=factory, description=b.string_literal(said)), annotation)


def filled_head(ref: ModelRef | None, imports: b.ImportSet) -> list[cst.BaseStatement]:
    """The existing declared model's required fields the contract does not give, each with
    its default (:mod:`codegen_ast.readers.fillers`)."""
    if ref is None or ref.existing is None:
        return []
    return [filler_statement(filler, ref.name, imports) for filler in ref.existing.fillers]


def implementations(ref: ModelRef | None, imports: b.ImportSet) -> list[cst.BaseStatement]:
    """The classes the defaults of ``ref``'s filled fields need: a frozen model per protocol
    of data only, with the protocol's members defaulted."""
    if ref is None or ref.existing is None:
        return []
    written: list[cst.BaseStatement] = []
    for implementation in ref.existing.implementations:
        imports.add("pydantic", "BaseModel", "ConfigDict", "Field")
        protocol = implementation.protocol.name
        _spelled(implementation.protocol, imports)
        body = [
            b.assign("model_config", b.call("ConfigDict", frozen=b.name("True"), extra=b.string_literal("forbid"))),
            *(filler_statement(member, protocol, imports) for member in implementation.members),
        ]
        doc = (f"A {protocol}: the default of {ref.name}'s field of that type, which the contract gives no "
               "value for; its members are defaulted from their types.")
        written.append(b.class_(implementation.name, ["BaseModel"], body, doc=doc))
    return written


def untyped_line(spec: NodeSpec, fields: Sequence[FieldSpec]) -> str:
    untyped = [f.name for f in fields if spec.declared and f.name in spec.declared.untyped_fields]
    return f" No type declared in the contract for {', '.join(untyped)}: typed Any (none is guessed)." if untyped else ""


def build_input_model(spec: NodeSpec) -> cst.Module:
    imports = b.ImportSet().add("typing", "Literal").add("uuid", "UUID", "uuid4")
    kind = node_kind(spec.node_type)
    if kind.generic:
        imports.add(SERIALIZED_DICT.module, SERIALIZED_DICT.name)
    ref = spec.declared.input_model if spec.declared else None  # the framework's own model too: extended
    head = [*_input_head(spec, imports), *filled_head(ref, imports), *_operation_and_correlation(spec)]
    bases, fields, extends = _extending(spec, ref, kind.input_model, input_fields(spec), imports)
    doc = f"Input of {spec.class_name}: the operation to run and its arguments.{extends}{untyped_line(spec, fields)}"
    return _model_module(input_model_name(spec), doc, bases, head, fields, imports, formula_inputs(spec),
                         implementations(ref, imports))


def formula_inputs(spec: NodeSpec) -> frozenset[str]:
    """The float input fields a declared formula reads: they refuse inf and nan, which JSON
    parsers accept and which would carry on into every answer (a reducer's running total for good)."""
    read = {
        name
        for field in spec.output_fields
        if field.formula is not None
        for name in formulas.names(formulas.parse(field.formula))
    }
    return frozenset(f.name for f in spec.input_fields if f.name in read and f.type.scalar == "float")


def input_fields(spec: NodeSpec) -> list[FieldSpec]:
    """Declared input fields; a database node's key is optional (list needs none,
    the other operations check it)."""
    if spec.database is None:
        return list(spec.input_fields)
    key = spec.database.key
    return [f.model_copy(update={"required": False}) if f.name == key else f for f in spec.input_fields]


def output_fields(spec: NodeSpec) -> list[FieldSpec]:
    """Declared output fields; a database node answers with its columns, each optional."""
    if spec.database is None:
        return list(spec.output_fields)
    return [field.model_copy(update={"required": False}) for field in spec.input_fields]


def _row_fields(imports: b.ImportSet) -> list[cst.BaseStatement]:
    imports.add("typing", "Any")
    return [
        b.assign(
            "records",
            _described(None, "The rows a list operation returned.", "list"),
            b.annotation("list[dict[str, Any]]"),
        ),
        b.assign("total", _described(b.literal(0), "How many rows the operation matched."), "int"),
    ]


def _state_field(spec: NodeSpec) -> list[cst.BaseStatement]:
    if spec.state_machine is None:
        return []
    return [b.assign("state", _described(b.string_literal(""), "State after the operation (set by the node)."), "str")]


def _declared(statements: Sequence[cst.BaseStatement]) -> list[str]:
    return [
        small.target.value
        for statement in statements
        if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name)
    ]


def added_fields(spec: NodeSpec) -> tuple[list[str], list[str]]:
    """The fields the generated input and output models declare besides the spec's own."""
    imports = b.ImportSet()
    inputs = _declared([*_input_head(spec, imports), *_operation_and_correlation(spec)])
    outputs = [*_output_head(spec, imports), *(_row_fields(imports) if spec.database else []), *_state_field(spec)]
    return inputs, _declared(outputs)


def build_output_model(spec: NodeSpec) -> cst.Module:
    imports = b.ImportSet().add("uuid", "UUID")
    kind = node_kind(spec.node_type)
    if not kind.runs_workflow:
        imports.add("uuid", "uuid4")
    if kind.generic:
        imports.add(SERIALIZED_DICT.module, SERIALIZED_DICT.name)
    ref = spec.declared.output_model if spec.declared else None
    if ref is not None and ref.name == input_model_name(spec):
        ref = None  # one class declared for both: the output is derived
    bases, fields, extends = _extending(spec, ref, kind.output_model, output_fields(spec), imports)
    return _model_module(
        output_model_name(spec),
        f"Output of {spec.class_name}.{extends}{untyped_line(spec, fields)}",
        bases,
        [*_output_head(spec, imports), *filled_head(ref, imports), *(_row_fields(imports) if spec.database else []),
         *_state_field(spec)],
        fields,
        imports,
        before=implementations(ref, imports),
    )

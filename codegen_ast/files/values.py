"""Values of a field type as expressions: empty defaults and test samples."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.spec import FieldSpec, FieldType

_EMPTY: dict[str, b.ExprLike] = {}
_SECRETS = {"SecretStr": "str", "SecretBytes": "bytes"}


def _scalar(scalar: str, sample: bool) -> b.ExprLike:
    if scalar == "str":
        return b.string_literal("sample" if sample else "")
    if scalar == "int":
        return b.literal(1 if sample else 0)
    if scalar == "float":
        return b.literal(1.0 if sample else 0.0)
    if scalar == "bool":
        return b.name("True" if sample else "False")
    if scalar == "bytes":
        return b.literal(b"sample" if sample else b"")
    if scalar == "datetime":
        return b.call("datetime", b.literal(2024), b.literal(1), b.literal(1), tzinfo="UTC") if sample else "datetime.min"
    if scalar == "date":
        return b.call("date", b.literal(2024), b.literal(1), b.literal(1)) if sample else "date.min"
    if scalar == "UUID":
        return b.call("UUID", int=b.literal(1 if sample else 0))
    if scalar == "Decimal":
        return b.call("Decimal", b.string_literal("1" if sample else "0"))
    if scalar == "Any":  # untyped in the contract: a text sample, else nothing
        return b.string_literal("sample") if sample else b.name("None")
    if scalar in _SECRETS:  # a call, never a literal given to a secret's name (security rule SEC004)
        return b.call(scalar, _scalar(_SECRETS[scalar], sample))
    raise ValueError(f"no value for scalar type {scalar!r}")


def value_of(field_type: FieldType, *, sample: bool) -> b.ExprLike:
    """An empty value (``sample=False``) or a representative one for tests."""
    if field_type.optional and not sample:
        return b.name("None")
    if field_type.kind == "list":
        assert field_type.item is not None
        return b.list_(value_of(field_type.item, sample=True)) if sample else b.list_()
    if field_type.kind == "dict":
        assert field_type.item is not None
        if not sample:
            return b.dict_({})
        return b.dict_({"key": value_of(field_type.item, sample=True)})
    return _scalar(field_type.scalar, sample)


# Sample values a plain framework input (SerializedDict) carries as JSON text:
# its values must be JSON types, which Decimal, bytes and date are not.
_JSON_SAMPLES = {"Decimal": "1", "bytes": "sample", "date": "2024-01-01", "SecretBytes": "sample"}


def plain_value_of(field_type: FieldType) -> b.ExprLike:
    """A sample as a plain framework input carries it (JSON types); the model parses it back."""
    if field_type.kind == "list":
        assert field_type.item is not None
        return b.list_(plain_value_of(field_type.item))
    if field_type.kind == "dict":
        assert field_type.item is not None
        return b.dict_({"key": plain_value_of(field_type.item)})
    if field_type.scalar in _JSON_SAMPLES:
        return b.string_literal(_JSON_SAMPLES[field_type.scalar])
    if field_type.scalar == "SecretStr":  # JSON text, given as a call (SEC004 flags a literal secret)
        return b.call(b.attr(_scalar("SecretStr", True), "get_secret_value"))
    return _scalar(field_type.scalar, True)


def value_imports(field_type: FieldType, *, sample: bool) -> set[tuple[str, str]]:
    """Imports the expression from :func:`value_of` needs beyond the type's own."""
    if field_type.item is not None:
        return value_imports(field_type.item, sample=True) if sample else set()
    if field_type.optional and not sample:
        return set()
    needs = set(field_type.modules())
    if sample and field_type.scalar == "datetime":
        needs.add(("datetime", "UTC"))
    return needs


def effectively_optional(field: FieldSpec) -> bool:
    return field.type.optional or not field.required


def echo_source(output: FieldSpec, inputs: list[FieldSpec]) -> FieldSpec | None:
    """The input field an output field can honestly be answered from."""
    for candidate in inputs:
        if (
            candidate.name == output.name
            and candidate.type.model_copy(update={"optional": False})
            == output.type.model_copy(update={"optional": False})
            and (effectively_optional(output) or not effectively_optional(candidate))
        ):
            return candidate
    return None


def sent_value(field: FieldSpec, *, optional: bool) -> b.ExprLike:
    """``request.<field>`` as the node sends it (a query parameter, a path segment): a
    secret's own value, not its ``**********``; ``optional`` when it may be None."""
    value = f"request.{field.name}"
    if not field.secret:
        return value
    revealed = b.call(f"{value}.get_secret_value")
    return b.if_exp(b.compare(value, "is", "None"), "None", revealed) if optional else revealed


def sample_request(context: NodeContext, operation: str, imports: b.ImportSet) -> cst.Call:
    """The typed request of ``operation`` with a sample value in every input field (for tests)."""
    samples: dict[str, b.ExprLike] = {}
    for field in context.spec.input_fields:
        samples[field.name] = value_of(field.type, sample=True)
        for module, item in value_imports(field.type, sample=True):
            imports.add(module, item)
    return b.call(context.input_model, operation=b.string_literal(context.spec.routed(operation)), **samples)

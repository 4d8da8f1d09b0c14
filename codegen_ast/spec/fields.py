"""Field types and fields of a node's input and output models."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    field_validator,
    model_serializer,
    model_validator,
)

from codegen_ast import formulas
from codegen_ast.sensitive import sensitive_by_default
from codegen_ast.spec.checks import (
    _RESERVED_FIELDS,
    MAX_TYPE_DEPTH,
    SpecFieldError,
    check_snake_case,
    shown,
)

# --- field types ------------------------------------------------------------

SCALAR_TYPES: dict[str, tuple[str, str]] = {
    # spec spelling -> (module to import from, or "" for a builtin; Python name)
    "str": ("", "str"),
    "int": ("", "int"),
    "float": ("", "float"),
    "bool": ("", "bool"),
    "bytes": ("", "bytes"),
    "datetime": ("datetime", "datetime"),
    "date": ("datetime", "date"),
    "uuid": ("uuid", "UUID"),
    "UUID": ("uuid", "UUID"),
    "decimal": ("decimal", "Decimal"),
    "Decimal": ("decimal", "Decimal"),
    # what a sensitive str / bytes field becomes (see FieldSpec.sensitive)
    "SecretStr": ("pydantic", "SecretStr"),
    "SecretBytes": ("pydantic", "SecretBytes"),
    # a field a contract names without a type: nothing is guessed (see DeclaredContract.untyped_fields)
    "Any": ("typing", "Any"),
}
_SECRET_OF = {"str": "SecretStr", "bytes": "SecretBytes"}


class FieldType(BaseModel):
    """A parsed field type: scalar, ``list[T]``, ``dict[str, T]``, optional."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["scalar", "list", "dict"]
    scalar: str = ""
    item: FieldType | None = None
    optional: bool = False

    @classmethod
    def parse(cls, text: str, _depth: int = 0) -> FieldType:
        if _depth > MAX_TYPE_DEPTH:
            raise ValueError(f"type {shown(text)} nests more than {MAX_TYPE_DEPTH} levels deep: flatten it")
        source = text.strip()
        optional = False
        if source.endswith("| None"):
            optional, source = True, source[: -len("| None")].strip()
        elif source.startswith(("Optional[", "optional[")) and source.endswith("]"):
            optional, source = True, source[source.index("[") + 1 : -1].strip()
        for prefix, kind in (("list[", "list"), ("dict[str,", "dict")):
            if source.startswith(prefix) and source.endswith("]"):
                inner = cls.parse(source[len(prefix) : -1], _depth + 1)
                return cls(kind=kind, item=inner, optional=optional)  # type: ignore[arg-type]
        if source in SCALAR_TYPES:
            return cls(kind="scalar", scalar=SCALAR_TYPES[source][1], optional=optional)
        allowed = ", ".join(sorted(set(SCALAR_TYPES) - {"UUID", "Decimal", "SecretStr", "SecretBytes"}))
        raise ValueError(
            f"unknown type {shown(text)}: use one of {allowed}, list[T], dict[str, T], "
            "or 'T | None' for an optional value"
        )

    def modules(self) -> set[tuple[str, str]]:
        """The ``from module import name`` pairs this type needs."""
        if self.item is not None:
            return self.item.modules()
        for module, python_name in SCALAR_TYPES.values():
            if python_name == self.scalar and module:
                return {(module, python_name)}
        return set()

    @model_serializer(mode="plain")
    def _as_text(self) -> str:
        """Dump as the spelling a spec uses (``list[str] | None``), which parse() reads back."""
        return self.spelling()

    def spelling(self) -> str:
        if self.kind == "scalar":
            text = self.scalar
        else:
            assert self.item is not None
            inner = self.item.spelling()
            text = f"list[{inner}]" if self.kind == "list" else f"dict[str, {inner}]"
        return f"{text} | None" if self.optional else text


class FieldSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    type: FieldType
    description: str = ""
    required: bool = True
    formula: str | None = None  # output fields of compute/reducer nodes: see codegen_ast.formulas
    # a secret: its type becomes SecretStr (SecretBytes), shown as ********** in reprs and
    # logs, its value sent only where the node sends the field; default: by its name
    # (password, token, client_secret, any *_key, ... see codegen_ast.sensitive)
    sensitive: bool | None = None

    @model_validator(mode="after")
    def _secret_type(self) -> FieldSpec:
        declared = self.type.scalar in _SECRET_OF.values()
        secret = self.sensitive if self.sensitive is not None else declared or sensitive_by_default(self.name)
        if self.sensitive is False and declared:
            raise SpecFieldError(("sensitive",), f"{self.type.spelling()} is a secret type: set sensitive: true, "
                                 "or use str / bytes")
        if not secret or declared:
            return self
        if self.type.kind != "scalar" or self.type.scalar not in _SECRET_OF:
            if self.sensitive:
                raise SpecFieldError(("sensitive",), f"only str and bytes fields can be sensitive, not "
                                     f"{self.type.spelling()}: change the type or remove sensitive")
            return self  # a secret-looking name on another type (token_count: int) is not a secret
        secret_type = self.type.model_copy(update={"scalar": _SECRET_OF[self.type.scalar]})
        return self.model_copy(update={"type": secret_type})

    @property
    def secret(self) -> bool:
        return self.type.scalar in _SECRET_OF.values()

    @field_validator("formula")
    @classmethod
    def _check_formula(cls, value: str | None) -> str | None:
        if value is not None:
            formulas.parse(value)
        return value

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        check_snake_case(value, "field name")
        if value in _RESERVED_FIELDS or value.startswith(("model_validate", "model_dump")):
            raise ValueError(
                f"field name {value!r} is reserved by the generated models "
                "(pydantic or the operation router): rename it"
            )
        return value

    @field_validator("type", mode="before")
    @classmethod
    def _parse_type(cls, value: Any) -> Any:
        return FieldType.parse(value) if isinstance(value, str) else value


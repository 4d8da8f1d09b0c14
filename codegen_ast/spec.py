"""NodeSpec: what a user asks the generator for.

Every identifier a spec can put into generated code is checked here, so the
builders downstream never see a name that could break or escape the tree.
"""

from __future__ import annotations

import difflib
import keyword
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_serializer, model_validator

NodeType = Literal["effect", "compute", "reducer", "orchestrator"]
NODE_TYPES: tuple[str, ...] = ("effect", "compute", "reducer", "orchestrator")

DEPENDENCIES: tuple[str, ...] = ("postgres", "http", "kafka", "redis", "consul")
FEATURES: tuple[str, ...] = (
    "caching",
    "circuit_breaker",
    "consul",
    "custom_mixins",
    "events",
    "health_check_mode",
    "metrics",
    "no_service_mode",
    "retry",
)

_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_VERSION = re.compile(r"\d+\.\d+\.\d+")
# onex validate --strict rejects class names containing these words (outside
# handlers/, errors/ and services/ folders), so node names must avoid them.
_ONEX_FORBIDDEN_WORDS = (
    "Manager", "Handler", "Helper", "Utility", "Util", "Service", "Controller", "Processor", "Worker",
)
# Names a field of a pydantic model may not take.
_RESERVED_FIELDS = frozenset({"operation", "correlation_id"}) | frozenset(dir(BaseModel))


def suggestion(value: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1)
    return f"did you mean {close[0]!r}? " if close else ""


def check_snake_case(value: str, what: str) -> str:
    if not isinstance(value, str) or not _SNAKE.fullmatch(value):
        raise ValueError(
            f"{what} {value!r} is not snake_case: use lowercase letters, digits and "
            "single underscores, starting with a letter (e.g. 'order_events'); "
            "no dashes, dots, slashes or spaces"
        )
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        raise ValueError(f"{what} {value!r} is a Python keyword: choose another word")
    return value


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
}


class FieldType(BaseModel):
    """A parsed field type: scalar, ``list[T]``, ``dict[str, T]``, optional."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["scalar", "list", "dict"]
    scalar: str = ""
    item: FieldType | None = None
    optional: bool = False

    @classmethod
    def parse(cls, text: str) -> FieldType:
        source = text.strip()
        optional = False
        if source.endswith("| None"):
            optional, source = True, source[: -len("| None")].strip()
        elif source.startswith(("Optional[", "optional[")) and source.endswith("]"):
            optional, source = True, source[source.index("[") + 1 : -1].strip()
        for prefix, kind in (("list[", "list"), ("dict[str,", "dict")):
            if source.startswith(prefix) and source.endswith("]"):
                inner = cls.parse(source[len(prefix) : -1])
                return cls(kind=kind, item=inner, optional=optional)  # type: ignore[arg-type]
        if source in SCALAR_TYPES:
            return cls(kind="scalar", scalar=SCALAR_TYPES[source][1], optional=optional)
        allowed = ", ".join(sorted(set(SCALAR_TYPES) - {"UUID", "Decimal"}))
        raise ValueError(
            f"unknown type {text!r}: use one of {allowed}, list[T], dict[str, T], "
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

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        check_snake_case(value, "field name")
        if value in _RESERVED_FIELDS or value.startswith("model_"):
            raise ValueError(
                f"field name {value!r} is reserved by the generated models "
                "(pydantic or the operation router): rename it"
            )
        return value

    @field_validator("type", mode="before")
    @classmethod
    def _parse_type(cls, value: Any) -> Any:
        return FieldType.parse(value) if isinstance(value, str) else value


CrudKind = Literal["create", "read", "update", "delete", "list"]
_CRUD_PREFIXES: dict[str, CrudKind] = {
    "create": "create", "insert": "create", "add": "create",
    "read": "read", "get": "read", "fetch": "read",
    "update": "update", "modify": "update",
    "delete": "delete", "remove": "delete",
    "list": "list",
}


class OperationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    kind: CrudKind | None = None  # for database nodes; else read from the name's first word

    @property
    def crud_kind(self) -> CrudKind | None:
        return self.kind or _CRUD_PREFIXES.get(self.name.split("_")[0])

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        return check_snake_case(value, "operation name")


class DatabaseSpec(BaseModel):
    """A table the node's create/read/update/delete/list operations work on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table: str
    key: str  # the primary key: one of the input fields

    @field_validator("table", "key")
    @classmethod
    def _check_identifier(cls, value: str, info: ValidationInfo) -> str:
        return check_snake_case(value, f"database {info.field_name}")


class TransitionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    source: str = Field(alias="from")
    target: str = Field(alias="to")
    trigger: str


class StateMachineSpec(BaseModel):
    """A reducer's states and the operations (triggers) that move between them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    initial_state: str
    states: list[str]
    transitions: list[TransitionSpec]
    persist: bool = False  # emit the framework's persist_state intent on every transition

    @field_validator("states")
    @classmethod
    def _check_states(cls, value: list[str]) -> list[str]:
        for state in value:
            check_snake_case(state, "state")
        if len(set(value)) != len(value):
            raise ValueError("a state is declared twice: remove one")
        return value

    @model_validator(mode="after")
    def _check_references(self) -> StateMachineSpec:
        seen: set[tuple[str, str]] = set()
        for transition in self.transitions:
            if (transition.source, transition.trigger) in seen:
                raise ValueError(
                    f"two transitions leave {transition.source!r} on {transition.trigger!r}: keep one"
                )
            seen.add((transition.source, transition.trigger))
        if self.initial_state not in self.states:
            raise ValueError(f"initial_state {self.initial_state!r} is not one of the states: add it to states")
        for transition in self.transitions:
            for state in (transition.source, transition.target):
                if state not in self.states:
                    raise ValueError(f"transition {transition.trigger!r} uses the undeclared state {state!r}: add it to states")
        return self

    @property
    def triggers(self) -> list[str]:
        return list(dict.fromkeys(t.trigger for t in self.transitions))


class NodeSpec(BaseModel):
    """The user's request for one node package."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    node_type: NodeType
    description: Annotated[str, Field(min_length=1)]
    domain: str = "general"
    version: str = "1.0.0"
    author: str = ""
    operations: list[OperationSpec] = Field(default_factory=list)
    features: list[str] = Field(default_factory=list)
    dependencies: list[str] = Field(default_factory=list)
    mixins: list[str] = Field(default_factory=list)
    database: DatabaseSpec | None = None
    state_machine: StateMachineSpec | None = None
    input_fields: list[FieldSpec] = Field(default_factory=list)
    output_fields: list[FieldSpec] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        check_snake_case(value, "node name")
        camel = "".join(part.capitalize() for part in value.split("_"))
        for word in _ONEX_FORBIDDEN_WORDS:
            if word.lower() in camel.lower():
                raise ValueError(
                    f"node name {value!r} gives the class Node{camel}..., and onex validate "
                    f"--strict rejects class names containing {word!r}: name the node after "
                    "what it does (e.g. 'orders', not 'order_service')"
                )
        return value

    @field_validator("version")
    @classmethod
    def _check_version(cls, value: str) -> str:
        if not _VERSION.fullmatch(value):
            raise ValueError(f"version {value!r} is not MAJOR.MINOR.PATCH, e.g. '1.0.0'")
        return value

    @field_validator("operations", mode="before")
    @classmethod
    def _operation_shorthand(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"name": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("dependencies", mode="before")
    @classmethod
    def _dependency_mapping(cls, value: Any) -> Any:
        # The seed's spelling {postgres: asyncpg} names the client; we pick it.
        return list(value) if isinstance(value, dict) else value

    @field_validator("dependencies")
    @classmethod
    def _check_dependencies(cls, value: list[str]) -> list[str]:
        return _check_choices(value, DEPENDENCIES, "dependency")

    @field_validator("features")
    @classmethod
    def _check_features(cls, value: list[str]) -> list[str]:
        return _check_choices(value, FEATURES, "feature")

    @field_validator("mixins")
    @classmethod
    def _check_mixins(cls, value: list[str]) -> list[str]:
        from codegen_ast.target import KNOWN_MIXINS, REMOVED_MIXINS

        names = [item if item.startswith("Mixin") else f"Mixin{item}" for item in value]
        for item in names:
            if item in REMOVED_MIXINS:
                raise ValueError(f"{item} does not exist in omnibase-core 0.47: {REMOVED_MIXINS[item]}")
            if item not in KNOWN_MIXINS:
                raise ValueError(
                    f"unknown mixin {item!r}: {suggestion(item, sorted(KNOWN_MIXINS))}"
                    "see ONEX_TARGET.md for the 41 mixins omnibase-core has"
                )
        return sorted(set(names), key=names.index)

    @field_validator("operations", "input_fields", "output_fields")
    @classmethod
    def _check_unique(cls, items: list[Any], info: ValidationInfo) -> list[Any]:
        # A field validator (not a model validator) so the error names the list
        # and its line in the spec file.
        what = {"operations": "operation", "input_fields": "input field", "output_fields": "output field"}
        seen: set[str] = set()
        for item in items:
            if item.name in seen:
                raise ValueError(f"{what[str(info.field_name)]} {item.name!r} is declared twice: remove one")
            seen.add(item.name)
        return items

    @model_validator(mode="after")
    def _check_database(self) -> NodeSpec:
        if self.database is None:
            return self
        if self.node_type != "effect":
            raise ValueError("database: only effect nodes talk to a database; use node_type: effect")
        if self.output_fields:
            raise ValueError(
                "output_fields: a database node's output is its table's columns (plus records and "
                "total): remove output_fields"
            )
        columns = {field.name: field for field in self.input_fields}
        if self.database.key not in columns:
            raise ValueError(
                f"database.key {self.database.key!r} is not an input field: add it to input_fields"
            )
        for field in self.input_fields:
            if field.type.kind != "scalar":
                raise ValueError(
                    f"input field {field.name!r} is a {field.type.spelling()}: database columns "
                    "must be scalar types (str, int, float, bool, bytes, datetime, date, uuid, decimal)"
                )
        for operation in self.effective_operations:
            if operation.crud_kind is None:
                raise ValueError(
                    f"operation {operation.name!r} is not create/read/update/delete/list: start its "
                    "name with one of those words or give it a kind"
                )
        return self

    @model_validator(mode="after")
    def _check_state_machine(self) -> NodeSpec:
        machine = self.state_machine
        if machine is None:
            return self
        if self.node_type != "reducer":
            raise ValueError("state_machine: only reducer nodes run a state machine; use node_type: reducer")
        operations = {op.name for op in self.effective_operations}
        for trigger in machine.triggers:
            if self.operations and trigger not in operations:
                raise ValueError(f"state_machine trigger {trigger!r} is not an operation: add it to operations")
        return self

    @property
    def effective_operations(self) -> list[OperationSpec]:
        """Declared operations; else a state machine's triggers; else one named ``execute``."""
        if self.operations:
            return self.operations
        if self.state_machine is not None:
            return [OperationSpec(name=trigger) for trigger in self.state_machine.triggers]
        return [OperationSpec(name="execute")]

    # --- derived names ------------------------------------------------------


    @property
    def camel(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("_"))

    @property
    def kind(self) -> str:
        return self.node_type.capitalize()

    @property
    def class_name(self) -> str:
        return f"Node{self.camel}{self.kind}"

    @property
    def package_name(self) -> str:
        return f"node_{self.name}_{self.node_type}"


def _check_choices(values: list[str], choices: tuple[str, ...], what: str) -> list[str]:
    for value in values:
        if value not in choices:
            raise ValueError(
                f"unknown {what} {value!r}: {suggestion(value, choices)}"
                f"known: {', '.join(choices)}"
            )
    return sorted(set(values), key=values.index)

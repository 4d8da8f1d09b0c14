"""NodeSpec: what a user asks the generator for.

Every identifier a spec can put into generated code is checked here, so the
builders downstream never see a name that could break or escape the tree.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from codegen_ast import formulas
from codegen_ast.spec import names
from codegen_ast.target.node_types import NodeKind, node_kind
from codegen_ast.spec.behaviour import (
    VARIANT_NODE_TYPES,
    VARIANTS,
    CacheSpec,
    EventsSpec,
    StateMachineSpec,
    trigger_of,
)
from codegen_ast.spec.checks import (
    _CAPABILITY,
    _VERSION,
    DEPENDENCIES,
    FEATURES,
    MAX_CAPABILITY_LENGTH,
    MAX_FIELDS,
    MAX_OPERATIONS,
    Location,
    NodeType,
    SpecFieldError,
    check_snake_case,
    shown,
    suggestion,
)
from codegen_ast.spec.declared import DeclaredContract
from codegen_ast.spec.fields import FieldSpec
from codegen_ast.spec.operations import (
    DatabaseSpec,
    HttpCallSpec,
    OperationSpec,
    StepSpec,
)


class NodeSpec(BaseModel):
    """The user's request for one node package."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    node_type: NodeType
    description: Annotated[str, Field(min_length=1)]
    domain: str = "general"
    version: str = "1.0.0"
    author: str = ""
    operations: list[OperationSpec] = Field(default_factory=list, max_length=MAX_OPERATIONS)
    features: list[str] = Field(default_factory=list)
    dependencies: list[str] = Field(default_factory=list)
    mixins: list[str] = Field(default_factory=list)
    capabilities: list[str] = Field(default_factory=list)  # what discovery responses advertise
    database: DatabaseSpec | None = None
    state_machine: StateMachineSpec | None = None
    events: EventsSpec | None = None
    cache: CacheSpec | None = None
    variant: str | None = None  # a pattern profile; default: chosen by the selector
    input_fields: list[FieldSpec] = Field(default_factory=list, max_length=MAX_FIELDS)
    output_fields: list[FieldSpec] = Field(default_factory=list, max_length=MAX_FIELDS)
    declared: DeclaredContract | None = None  # what a contract declares, kept as written

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        # a word onex validate --strict rejects in a class name is left out of the
        # class (names.class_words), not refused: the reader warns
        return check_snake_case(value, "node name")

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

    @field_validator("capabilities")
    @classmethod
    def _check_capabilities(cls, value: list[str]) -> list[str]:
        for item in value:
            if len(item) > MAX_CAPABILITY_LENGTH or not _CAPABILITY.fullmatch(item):
                raise ValueError(
                    f"capability {shown(item)} is not a name like 'orders.read' "
                    f"(letters, digits and _, with . : / - between words, at most {MAX_CAPABILITY_LENGTH} characters)"
                )
        if len(set(value)) != len(value):
            raise ValueError("a capability is listed twice: list each once")
        return value

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
                    "`codegen-ast mixins` lists the 41 mixins omnibase-core has"
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
        if not self.node_kind.performs_io:
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
        if not self.node_kind.keeps_state:
            raise ValueError("state_machine: only reducer nodes run a state machine; use node_type: reducer")
        fired = {self.trigger(op.name) for op in self.effective_operations}
        for trigger in machine.triggers:
            if self.operations and trigger not in fired:
                raise ValueError(f"state_machine trigger {trigger!r} is not an operation: add it to operations")
        return self

    @field_validator("variant")
    @classmethod
    def _check_variant(cls, value: str | None) -> str | None:
        if value is not None and value not in VARIANTS:
            raise ValueError(f"unknown variant {value!r}: {suggestion(value, VARIANTS)}known: {', '.join(VARIANTS)}")
        return value

    @model_validator(mode="after")
    def _check_formulas(self) -> NodeSpec:
        for index, field in enumerate(self.input_fields):
            if field.formula is not None:
                raise SpecFieldError(("input_fields", index, "formula"), "input fields arrive with the request: move the formula to an output field")
        numbers = {
            f.name: f.type.scalar
            for f in self.input_fields
            if f.type.kind == "scalar" and f.type.scalar in formulas.NUMERIC and not f.type.optional and f.required
        }
        if self.node_kind.keeps_state:  # an output field's own name is its value so far
            numbers |= {
                f.name: f.type.scalar
                for f in self.output_fields
                if f.type.kind == "scalar" and f.type.scalar in formulas.NUMERIC and not f.type.optional
            }
        for index, field in enumerate(self.output_fields):
            if field.formula is None:
                continue
            where: Location = ("output_fields", index, "formula")
            if not (self.node_kind.computes or self.node_kind.keeps_state):
                raise SpecFieldError(where, "formulas are for compute and reducer nodes: remove formula")
            tree = formulas.parse(field.formula)
            for name in formulas.names(tree):
                if name not in numbers:
                    own = " or a non-optional numeric output field" if self.node_kind.keeps_state else ""
                    raise SpecFieldError(
                        where,
                        f"formula {field.formula!r} reads {name!r}, which is not a required, non-optional "
                        f"int or float input field{own}: declare it so",
                    )
            kind = formulas.result_type(tree, numbers)
            if field.type.kind != "scalar" or field.type.scalar not in formulas.NUMERIC:
                raise SpecFieldError(where, f"formula gives a number, but the field is {field.type.spelling()}: declare it {kind}")
            if kind == "float" and field.type.scalar == "int":
                raise SpecFieldError(where, f"formula {field.formula!r} gives a float: declare the field float or use round()")
        return self

    @model_validator(mode="after")
    def _check_variant_node_type(self) -> NodeSpec:
        if self.variant is not None and VARIANT_NODE_TYPES[self.variant] != self.node_type:
            raise SpecFieldError(
                ("variant",),
                f"variant {self.variant!r} is for {VARIANT_NODE_TYPES[self.variant]} nodes, not "
                f"{self.node_type} nodes: remove variant or change node_type",
            )
        return self

    @model_validator(mode="after")
    def _check_http(self) -> NodeSpec:
        inputs = {field.name for field in self.input_fields}
        for index, operation in enumerate(self.operations):
            where: Location = ("operations", index)
            if operation.http is not None and not self.node_kind.performs_io:
                raise SpecFieldError((*where, "http"), "only effect nodes call endpoints: use node_type: effect")
            if operation.steps is not None and not self.node_kind.runs_workflow:
                raise SpecFieldError((*where, "steps"), "only orchestrator nodes run steps: use node_type: orchestrator")
            if operation.http is not None and self.database is not None:
                raise SpecFieldError((*where, "http"), "a database node's operations run SQL: remove http")
            calls: list[tuple[Location, HttpCallSpec]] = [((*where, "http", "path"), operation.http)] if operation.http else []
            for stage_index, stage in enumerate(operation.steps or []):
                for step_index, step in enumerate([stage] if isinstance(stage, StepSpec) else stage.parallel):
                    at: Location = (*where, "steps", stage_index)
                    at = at if isinstance(stage, StepSpec) else (*at, "parallel", step_index)
                    if step.call is not None:
                        calls.append(((*at, "call", "path"), step.call))
                    if step.compensate is not None and step.compensate.call is not None:
                        calls.append(((*at, "compensate", "call", "path"), step.compensate.call))
            for location, call in calls:
                for placeholder in call.placeholders:
                    if placeholder not in inputs:
                        raise SpecFieldError(
                            location,
                            f"path {call.path!r} uses {{{placeholder}}}, which is not an input field: "
                            "add it to input_fields",
                        )
                    kind = next(f.type for f in self.input_fields if f.name == placeholder)
                    if kind.kind != "scalar" or kind.scalar == "bytes":
                        raise SpecFieldError(
                            location,
                            f"path {call.path!r} uses {{{placeholder}}}, a {kind.spelling()}: a path segment "
                            "is one text value; use a scalar input field (str, int, uuid, ...)",
                        )
        return self

    @model_validator(mode="after")
    def _check_step_answers(self) -> NodeSpec:
        """A workflow's answer comes from its steps' HTTP answers or the request: when
        every step only publishes, a required output field nothing carries could never be filled."""
        inputs = {field.name for field in self.input_fields}
        for index, operation in enumerate(self.operations):
            if not operation.steps or any(step.call for stage in operation.stages for step in stage):
                continue
            for field in self.output_fields:
                if field.required and not field.type.optional and field.name not in inputs:
                    raise SpecFieldError(
                        ("operations", index, "steps"),
                        f"the steps of {operation.name!r} only publish events, so nothing answers the required "
                        f"output field {field.name!r}: make it optional ('{field.type.spelling()} | None'), "
                        "or add an input field of that name",
                    )
        return self

    @model_validator(mode="after")
    def _check_events(self) -> NodeSpec:
        if self.events is None:
            return self
        operations = ", ".join(op.name for op in self.effective_operations)
        inputs = {field.name for field in self.input_fields}
        for index, event in enumerate(self.events.subscribes):
            if event.operation not in operations.split(", "):
                raise SpecFieldError(
                    ("events", "subscribes", index, "operation"),
                    f"{event.event_type!r} triggers {event.operation!r}, which is not an operation: "
                    f"use one of {operations}",
                )
            for name in event.fields or []:
                if name not in inputs:
                    raise SpecFieldError(
                        ("events", "subscribes", index, "fields"),
                        f"{event.event_type!r} carries {name!r}, which is not an input field: add it to input_fields",
                    )
            if event.fields is not None:
                for field in self.input_fields:
                    if field.required and not field.type.optional and field.name not in event.fields:
                        raise SpecFieldError(
                            ("events", "subscribes", index, "fields"),
                            f"{event.event_type!r} leaves out {field.name!r}, which {event.operation!r} requires: "
                            "add it to fields, or make the input field optional (required: false)",
                        )
        handler_names: dict[str, str] = {op: op for op in operations.split(", ")}
        for index, event in enumerate(self.events.subscribes):
            # the event's handler module, payload model and constant are named after it
            name = "on_" + event.event_type.replace(".", "_")
            if name in handler_names:
                raise SpecFieldError(
                    ("events", "subscribes", index, "event_type"),
                    f"{event.event_type!r} and {handler_names[name]!r} would both get the handler "
                    f"handler_{name}.py: rename one",
                )
            handler_names[name] = event.event_type
        for index, published in enumerate(self.events.publishes):
            for name in published.after or []:
                if name not in operations.split(", "):
                    raise SpecFieldError(
                        ("events", "publishes", index, "after"),
                        f"{published.event_type!r} follows {name!r}, which is not an operation: use one of {operations}",
                    )
        return self

    @model_validator(mode="after")
    def _check_cache(self) -> NodeSpec:
        if self.cache is None:
            return self
        if not (self.node_kind.computes or self.node_kind.keeps_state):
            raise SpecFieldError(
                ("cache",),
                "cache-aside is for compute and reducer nodes, whose answer depends only on the "
                "request (and the reduced state): remove cache",
            )
        if self.state_machine is not None:
            raise SpecFieldError(
                ("cache",), "a state machine transition must run every time, so it cannot be cached: remove cache"
            )
        operations = [op.name for op in self.effective_operations]
        for name in self.cache.operations or []:
            if name not in operations:
                raise SpecFieldError(
                    ("cache", "operations"), f"{name!r} is not an operation: use one of {', '.join(operations)}"
                )
        return self

    @property
    def cache_ttl_s(self) -> int:
        return self.cache.ttl_s if self.cache is not None else CacheSpec().ttl_s

    @property
    def http_operations(self) -> list[OperationSpec]:
        return [op for op in self.operations if op.http is not None]

    @property
    def workflow_operations(self) -> list[OperationSpec]:
        return [op for op in self.operations if op.steps is not None]

    @property
    def step_calls(self) -> list[HttpCallSpec]:
        """Every HTTP call a workflow step or compensation makes."""
        return [
            call
            for op in self.workflow_operations
            for stage in op.stages
            for step in stage
            for call in (step.call, step.compensate.call if step.compensate else None)
            if call is not None
        ]

    @property
    def step_events(self) -> list[str]:
        """Every event type a workflow step or compensation publishes."""
        return [
            event
            for op in self.workflow_operations
            for stage in op.stages
            for step in stage
            for event in (step.publish, step.compensate.publish if step.compensate else None)
            if event is not None
        ]

    @property
    def effective_operations(self) -> list[OperationSpec]:
        """Declared operations; else a state machine's triggers; else one named ``execute``."""
        if self.operations:
            return self.operations
        if self.state_machine is not None:
            return [OperationSpec(name=trigger) for trigger in self.state_machine.triggers]
        return [OperationSpec(name="execute")]

    def routed(self, operation: str) -> str:
        """The routing key of the operation named ``operation``: the string the contract
        wrote (``event.forward``), which requests carry and handler tables are keyed by."""
        return next((op.routed for op in self.effective_operations if op.name == operation), operation)

    def trigger(self, operation: str) -> str | None:
        """The state machine's trigger the operation named ``operation`` fires (see
        :func:`~codegen_ast.spec.behaviour.trigger_of`), or None."""
        if self.state_machine is None:
            return None
        route = self.declared.handler_for(operation) if self.declared is not None else None
        written = [self.routed(operation), *((route.event_type, route.payload_type) if route is not None else ())]
        return next((found for name in written if name and (found := trigger_of(name, self.state_machine.triggers))),
                    None)

    # --- derived names: codegen_ast.spec.names ------------------------------

    @property
    def camel(self) -> str:
        return names.camel(self.name)

    @property
    def kind(self) -> str:
        return self.node_type.capitalize()

    @property
    def node_kind(self) -> NodeKind:
        """The node type as an object: ask it what it does, never compare its name."""
        return node_kind(self.node_type)

    @property
    def class_name(self) -> str:
        return names.node_class(self)

    @property
    def package_name(self) -> str:
        return names.package(self)

    @property
    def input_model_class(self) -> str:
        return names.input_model_class(self)

    @property
    def output_model_class(self) -> str:
        return names.output_model_class(self)

    @property
    def input_model_file(self) -> str:
        return names.input_model_file(self)

    @property
    def output_model_file(self) -> str:
        return names.output_model_file(self)

    def handler_class(self, operation: str) -> str:
        return names.handler_class(self, operation)

    def handler_file(self, operation: str) -> str:
        return names.handler_file(self, operation)

    @property
    def kept(self) -> dict[str, Any]:
        """Top-level contract sections carried unchanged, not acted on."""
        return dict(self.declared.kept) if self.declared else {}


def _check_choices(values: list[str], choices: tuple[str, ...], what: str) -> list[str]:
    for value in values:
        if value not in choices:
            raise ValueError(
                f"unknown {what} {value!r}: {suggestion(value, choices)}"
                f"known: {', '.join(choices)}"
            )
    return sorted(set(values), key=values.index)

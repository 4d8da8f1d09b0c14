"""What a contract declares, kept as written.

A production ``contract.yaml`` names its models, handlers, topics, intents and
policies; the generator must reach them unchanged (nothing renamed, nothing
invented). ``DeclaredContract`` holds them on ``NodeSpec.declared``; a NodeSpec
written by hand has none (``declared`` is ``None``) and every name is derived
(``codegen_ast.spec.names``).

Values are plain data (str, int, float, bool, None, lists and mappings): a
section the generator does not act on is carried into the generated contract
as it was written.
"""

from __future__ import annotations

import keyword
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_CLASS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def check_class_name(value: str, what: str) -> str:
    if not _CLASS.fullmatch(value) or keyword.iskeyword(value) or len(value) > 100:
        raise ValueError(f"{what} {value!r} is not a Python class name (letters, digits and _): write it as one")
    return value


def check_module(value: str, what: str) -> str:
    if not _DOTTED.fullmatch(value) or any(keyword.iskeyword(p) for p in value.split(".")) or len(value) > 250:
        raise ValueError(f"{what} {value!r} is not a dotted Python module path, e.g. 'pkg.models.model_x': fix it")
    return value


class Spelled(BaseModel):
    """A type as the generated code spells it, node by node: ``name`` imported from
    ``module`` (none: a builtin or a class of the generated module), subscripted by
    ``args``; ``name`` ``|`` is the union of its args, ``literal`` a ``Literal`` value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    module: str = ""
    args: list[Spelled] = Field(default_factory=list)
    literal: str | int | bool | None = None


class Value(BaseModel):
    """A default derived from a field's type: ``literal`` (a constant), ``member`` (the
    first member of an enum: ``symbol.member``), ``factory`` (``symbol`` called with
    nothing) or ``build`` (``symbol`` called with ``keywords``, each a Value)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str  # literal | member | factory | build
    literal: str | int | float | bool | None = None
    symbol: Spelled | None = None
    member: str = ""
    keywords: dict[str, Value] = Field(default_factory=dict)


class Filler(BaseModel):
    """A required field of an existing model the contract gives no value for: declared
    again in the generated model with a default derived from its type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    type: Spelled
    default: Value


class Implementation(BaseModel):
    """A class the generated model module writes to default a field typed by a protocol
    of data only (``ProtocolIntentPayload``): a frozen model with the protocol's members,
    each a Filler."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    protocol: Spelled
    members: list[Filler] = Field(default_factory=list)


class ExistingModel(BaseModel):
    """A declared model that exists: importable where codegen-ast runs, a pydantic model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fields: list[str] = Field(default_factory=list)  # its fields, inherited ones included
    required: list[str] = Field(default_factory=list)  # the fields without a default
    ancestry: list[str] = Field(default_factory=list)  # ``module.Class`` of each class of its MRO
    missing: list[str] = Field(default_factory=list)  # required fields the contract does not give: filled
    fillers: list[Filler] = Field(default_factory=list)  # their defaults, derived from their types
    implementations: list[Implementation] = Field(default_factory=list)  # classes those defaults need


class ModelRef(BaseModel):
    """A class the contract names: ``{name, module}`` (``module`` may be absent).

    ``existing`` is set when the class exists (an input or output model): the
    generated model extends it, imported, instead of copying it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    module: str | None = None
    description: str = ""
    existing: ExistingModel | None = None

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        return check_class_name(value, "class name")

    @field_validator("module")
    @classmethod
    def _check_module(cls, value: str | None) -> str | None:
        return None if value is None else check_module(value, "module")

    @property
    def module_file(self) -> str | None:
        """The last part of ``module``: the file the class lives in (``model_x_input``)."""
        return None if self.module is None else self.module.rsplit(".", 1)[-1]


class HandlerRoute(BaseModel):
    """One ``handler_routing.handlers`` entry as written.

    ``operation`` is the routing key exactly as the contract spells it
    (``event.forward``); ``identifier`` is the Python name derived from it, used
    only where Python needs one (module, function, class names). Under
    ``payload_type_match`` an entry routes by ``event_model`` instead.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    operation: str | None = None
    identifier: str
    handler: ModelRef | None = None
    event_model: ModelRef | None = None
    event_type: str | None = None
    message_category: str | None = None
    payload_type: str | None = None
    output_events: list[str] = Field(default_factory=list)
    description: str = ""
    extra: dict[str, Any] = Field(default_factory=dict)  # the entry's other keys, as written


class DeclaredIntent(BaseModel):
    """An ``intent_emission.intents`` entry: what the node asks the runtime to do."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intent_type: str
    target: str | None = None  # target_pattern, e.g. kafka://onex.evt.x.v1
    payload_model: ModelRef | None = None
    description: str = ""


class RetryPolicy(BaseModel):
    """``error_handling.retry_policy`` as declared (``None`` where not said)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_retries: int | None = None
    initial_delay_ms: int | None = None
    max_delay_ms: int | None = None
    exponential_base: float | None = None
    retry_on: list[str] = Field(default_factory=list)


class DeclaredContract(BaseModel):
    """Everything a contract declares that the generator must keep by name.

    ``kept`` holds the top-level sections codegen_ast does not act on, in the
    contract's order, exactly as written: they go into the generated
    ``contract.yaml`` unchanged and ``explain`` / ``new -v`` list them as
    "kept, not acted on". ``untyped_fields`` are fields the contract names
    without a type: their models say so (no type is guessed).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    contract_name: str  # the node's name as written (``node_checkpoint_effect``)
    input_model: ModelRef | None = None
    output_model: ModelRef | None = None
    state_model: ModelRef | None = None
    routing_strategy: str | None = None
    handlers: list[HandlerRoute] = Field(default_factory=list)
    subscribe_topics: list[str] = Field(default_factory=list)
    publish_topics: list[str] = Field(default_factory=list)
    intents: list[DeclaredIntent] = Field(default_factory=list)
    dependencies: list[Any] = Field(default_factory=list)  # as written: {name, type, module, ...} or names
    capabilities: list[Any] = Field(default_factory=list)  # as written: names or {name, description}
    descriptor: dict[str, Any] | None = None
    error_handling: dict[str, Any] | None = None
    retry_policy: RetryPolicy | None = None
    untyped_fields: list[str] = Field(default_factory=list)
    kept: dict[str, Any] = Field(default_factory=dict)
    # sections read (in part) but not written by the generator: carried into the contract as written
    carried: dict[str, Any] = Field(default_factory=dict)

    @property
    def topic_routed(self) -> bool:
        """``handler_routing.routing_strategy: topic_pattern``: each entry's ``event_type`` is a
        glob over the topic a message arrives on (the framework's first match wins)."""
        return self.routing_strategy == "topic_pattern"

    def topic_pattern(self, operation: str) -> str | None:
        """The topic glob the route of ``operation`` is keyed by under topic_pattern, as written."""
        route = self.handler_for(operation) if self.topic_routed else None
        return route.event_type if route is not None else None

    def handler_for(self, operation: str) -> HandlerRoute | None:
        """The route of an operation (as written or its identifier)."""
        return next((h for h in self.handlers if operation in (h.operation, h.identifier)), None)

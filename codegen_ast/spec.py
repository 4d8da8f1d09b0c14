"""NodeSpec: what a user asks the generator for.

Every identifier a spec can put into generated code is checked here, so the
builders downstream never see a name that could break or escape the tree.
"""

from __future__ import annotations

import difflib
import keyword
import re
import urllib.parse
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from codegen_ast import formulas
from codegen_ast.sensitive import sensitive_by_default

NodeType = Literal["effect", "compute", "reducer", "orchestrator"]
NODE_TYPES: tuple[str, ...] = ("effect", "compute", "reducer", "orchestrator")

DEPENDENCIES: tuple[str, ...] = ("postgres", "http", "kafka", "redis", "consul")
FEATURES: tuple[str, ...] = (
    "caching",
    "circuit_breaker",
    "consul",
    "custom_mixins",
    "discovery",
    "events",
    "health_check_mode",
    "metrics",
    "no_service_mode",
    "retry",
)

_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
# A name becomes file names (node_<name>_<type>/handler_<name>.py, its lock and
# staging folders) and PostgreSQL identifiers (at most 63 bytes).
MAX_NAME_LENGTH = 63
MAX_TYPE_DEPTH = 8  # list[dict[str, list[...]]] nested this deep at most
MAX_EVENT_TYPE_LENGTH = 100
MAX_TOPIC_LENGTH = 249
MAX_CAPABILITY_LENGTH = 100
_CAPABILITY = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:[.:/-][A-Za-z0-9_]+)*")
# How many of each a spec may declare: every one becomes code to build, format and
# check, so a spec far beyond any real node would take minutes; refused instead.
MAX_OPERATIONS = 64
MAX_FIELDS = 128  # input fields, output fields, each
MAX_STEPS = 64  # stages of one workflow operation
MAX_STATES = 64
MAX_TRANSITIONS = 256
MAX_EVENTS = 64  # subscribed, published, each
_VERSION = re.compile(r"\d+\.\d+\.\d+")
# onex validate --strict rejects class names containing these words (outside
# handlers/, errors/ and services/ folders), so node names must avoid them.
_ONEX_FORBIDDEN_WORDS = (
    "Manager", "Handler", "Helper", "Utility", "Util", "Service", "Controller", "Processor", "Worker",
)
# Names a field of a pydantic model may not take.
_RESERVED_FIELDS = frozenset({"operation", "correlation_id"}) | frozenset(dir(BaseModel))


Location = tuple[str | int, ...]


class SpecFieldError(ValueError):
    """A check across fields that knows which field is wrong, so the reader can
    name its line (a plain ValueError in a model validator points at the root)."""

    def __init__(self, location: Location, message: str) -> None:
        super().__init__(message)
        self.location = location


def suggestion(value: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1)
    return f"did you mean {close[0]!r}? " if close else ""


def shown(value: str, limit: int = 40) -> str:
    """``value`` quoted for a message, shortened when it is long."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + f"... ({len(value)} characters)"


def check_snake_case(value: str, what: str) -> str:
    if isinstance(value, str) and len(value) > MAX_NAME_LENGTH:
        raise ValueError(
            f"{what} {shown(value)} is longer than {MAX_NAME_LENGTH} characters, the most that fits "
            "file names and PostgreSQL identifiers: shorten it"
        )
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
    # what a sensitive str / bytes field becomes (see FieldSpec.sensitive)
    "SecretStr": ("pydantic", "SecretStr"),
    "SecretBytes": ("pydantic", "SecretBytes"),
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


HttpMethod = Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
# RFC 9110 9.2.2: repeating one of these has the same effect as sending it once.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_EVENT_TYPE = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+")
_TOPIC = re.compile(r"[A-Za-z0-9._-]+")


class HttpCallSpec(BaseModel):
    """One HTTP request: ``{method: GET, path: /orders/{order_id}}``.

    ``{name}`` in the path is filled from the request's field of that name
    (URL-quoted). Idempotent methods (GET, HEAD, PUT, DELETE) are retried with
    exponential backoff on timeouts, transport errors and 502/503/504; POST and
    PATCH are sent once, because repeating them could repeat their effect.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: HttpMethod
    path: str
    timeout_s: Annotated[float, Field(gt=0, le=300)] = 10.0
    retries: Annotated[int, Field(ge=0, le=10)] | None = None  # None: 2 if idempotent, else 0

    @field_validator("method", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("path")
    @classmethod
    def _check_path(cls, value: str) -> str:
        if not value.startswith("/") or any(c in value for c in " ?#\\\"'"):
            raise ValueError(
                f"path {shown(value)} must start with '/' and hold no spaces, quotes, '?' or '#': "
                "write it relative to HTTP_BASE_URL, e.g. '/orders/{order_id}'"
            )
        control = next((c for c in value if ord(c) < 0x20 or ord(c) == 0x7F), None)
        if control is not None:
            raise ValueError(f"path {shown(value)} holds the control character {control!r}: remove it")
        if value.startswith("//"):
            raise ValueError(
                f"path {shown(value)} starts with '//', which a URL reads as another host "
                "('//evil.example.com/x'): start it with a single '/'"
            )
        for segment in value.split("/")[1:-1]:
            if not segment:
                raise ValueError(f"path {shown(value)} has an empty segment ('//'): remove the extra '/'")
        for segment in value.split("/")[1:]:
            if urllib.parse.unquote(segment) in (".", ".."):
                raise ValueError(
                    f"path {shown(value)} has a {segment!r} segment, which would leave HTTP_BASE_URL's "
                    "path prefix: write the path without it"
                )
        for name in _PLACEHOLDER.findall(value):
            check_snake_case(name, "path placeholder")
        return value

    @model_validator(mode="after")
    def _check_retries(self) -> HttpCallSpec:
        if self.retries and self.method not in IDEMPOTENT_METHODS:
            raise ValueError(
                f"retries: {self.method} is not idempotent, so a retry could repeat its effect: "
                "remove retries (or use PUT for an idempotent write)"
            )
        return self

    @property
    def idempotent(self) -> bool:
        return self.method in IDEMPOTENT_METHODS

    @property
    def attempts(self) -> int:
        """How many times the request may be sent in all."""
        retries = self.retries if self.retries is not None else (2 if self.idempotent else 0)
        return 1 + retries

    @property
    def placeholders(self) -> list[str]:
        return _PLACEHOLDER.findall(self.path)


def check_event_type(value: str) -> str:
    if isinstance(value, str) and len(value) > MAX_EVENT_TYPE_LENGTH:
        raise ValueError(
            f"event type {shown(value)} is longer than {MAX_EVENT_TYPE_LENGTH} characters "
            "(it names files and classes of the package): shorten it"
        )
    if not isinstance(value, str) or not _EVENT_TYPE.fullmatch(value):
        raise ValueError(
            f"event type {value!r} must be dotted lowercase words, e.g. 'payment.captured' "
            "(at least two parts; letters, digits and underscores)"
        )
    return value


def check_topic(value: str | None) -> str | None:
    if isinstance(value, str) and len(value) > MAX_TOPIC_LENGTH:
        raise ValueError(f"topic {shown(value)} is longer than {MAX_TOPIC_LENGTH} characters, the most Kafka accepts")
    if value is not None and not _TOPIC.fullmatch(value):
        raise ValueError(f"topic {value!r} may hold only letters, digits, '.', '_' and '-'")
    return value


class StepActionSpec(BaseModel):
    """What a workflow step (or its compensation) does: one HTTP call or one event."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    call: HttpCallSpec | None = None
    publish: str | None = None  # an event type

    @field_validator("publish")
    @classmethod
    def _check_publish(cls, value: str | None) -> str | None:
        return None if value is None else check_event_type(value)

    @model_validator(mode="after")
    def _exactly_one(self) -> StepActionSpec:
        if (self.call is None) == (self.publish is None):
            raise ValueError("a step does one thing: give either 'call' (an HTTP request) or 'publish' (an event type)")
        return self


class StepSpec(StepActionSpec):
    """One workflow step: an action, its time limit, and how to undo it."""

    name: str
    # the framework's ModelWorkflowStep.timeout_ms allows 100 ms .. 5 min per step
    timeout_s: Annotated[float, Field(ge=0.1, le=300)] = 30.0
    compensate: StepActionSpec | None = None  # run, newest first, when a later step fails

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        return check_snake_case(value, "step name")


class ParallelStepsSpec(BaseModel):
    """Steps that run concurrently; the workflow goes on when all have finished."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    parallel: Annotated[list[StepSpec], Field(min_length=2, max_length=MAX_STEPS)]


def _stage_kind(value: Any) -> str:
    return "parallel" if (isinstance(value, dict) and "parallel" in value) or isinstance(value, ParallelStepsSpec) else "step"


# a stage is one step, or {parallel: [...]}; the discriminator keeps errors to the branch meant
WorkflowStage = Annotated[
    Annotated[StepSpec, Tag("step")] | Annotated[ParallelStepsSpec, Tag("parallel")],
    Discriminator(_stage_kind),
]


class OperationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    kind: CrudKind | None = None  # for database nodes; else read from the name's first word
    http: HttpCallSpec | None = None  # effect nodes: the endpoint this operation calls
    steps: Annotated[list[WorkflowStage], Field(max_length=MAX_STEPS)] | None = None  # orchestrator nodes: the workflow

    @property
    def stages(self) -> list[list[StepSpec]]:
        """The declared steps as stages: one step, or the steps that run together."""
        return [[s] if isinstance(s, StepSpec) else list(s.parallel) for s in self.steps or []]

    @field_validator("steps")
    @classmethod
    def _check_steps(cls, value: list[WorkflowStage] | None) -> list[WorkflowStage] | None:
        if value is None:
            return None
        names = [s.name for stage in value for s in ([stage] if isinstance(stage, StepSpec) else stage.parallel)]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"step {name!r} is declared twice: rename one")
        if not names:
            raise ValueError("steps is empty: declare at least one step or remove 'steps'")
        return value

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
    states: Annotated[list[str], Field(max_length=MAX_STATES)]
    transitions: Annotated[list[TransitionSpec], Field(max_length=MAX_TRANSITIONS)]
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


class _EventSpec(BaseModel):
    """What every declared event has: its type and the topic it travels on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: str
    topic: str | None = None  # default: ONEX_EVENTS_TOPIC

    @field_validator("event_type")
    @classmethod
    def _check_type(cls, value: str) -> str:
        return check_event_type(value)

    @field_validator("topic")
    @classmethod
    def _check_topic(cls, value: str | None) -> str | None:
        return check_topic(value)


class SubscribedEventSpec(_EventSpec):
    """An event the node consumes: its payload becomes the request of ``operation``."""

    operation: str  # the declared operation the event triggers
    fields: list[str] | None = None  # input fields the payload carries; default: all


class PublishedEventSpec(_EventSpec):
    """An event the node emits after an operation succeeds; the payload is the operation's output fields."""

    after: list[str] | None = None  # operations that emit it; default: all


class EventsSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    subscribes: list[SubscribedEventSpec] = Field(default_factory=list, max_length=MAX_EVENTS)
    publishes: list[PublishedEventSpec] = Field(default_factory=list, max_length=MAX_EVENTS)

    @model_validator(mode="after")
    def _unique(self) -> EventsSpec:
        for what, items in (("subscribes", self.subscribes), ("publishes", self.publishes)):
            types = [item.event_type for item in items]
            for event_type in types:
                if types.count(event_type) > 1:
                    raise ValueError(f"{what}: event type {event_type!r} is declared twice: keep one")
        return self


class CacheSpec(BaseModel):
    """Cache-aside for Compute and Reducer nodes: the answer to an identical request is reused for ``ttl_s``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ttl_s: Annotated[int, Field(gt=0, le=30 * 24 * 3600)] = 300
    operations: list[str] | None = None  # default: all


# variant (seed 6.1) -> the node type it is for; the profiles live in codegen_ast.profiles
VARIANT_NODE_TYPES: dict[str, str] = {
    "database": "effect", "api": "effect", "kafka": "effect",
    "ml": "compute", "analytics": "reducer", "workflow": "orchestrator",
}
VARIANTS: tuple[str, ...] = tuple(VARIANT_NODE_TYPES)


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
        if self.node_type == "reducer":  # an output field's own name is its value so far
            numbers |= {
                f.name: f.type.scalar
                for f in self.output_fields
                if f.type.kind == "scalar" and f.type.scalar in formulas.NUMERIC and not f.type.optional
            }
        for index, field in enumerate(self.output_fields):
            if field.formula is None:
                continue
            where: Location = ("output_fields", index, "formula")
            if self.node_type not in ("compute", "reducer"):
                raise SpecFieldError(where, "formulas are for compute and reducer nodes: remove formula")
            tree = formulas.parse(field.formula)
            for name in formulas.names(tree):
                if name not in numbers:
                    own = " or a non-optional numeric output field" if self.node_type == "reducer" else ""
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
            if operation.http is not None and self.node_type != "effect":
                raise SpecFieldError((*where, "http"), "only effect nodes call endpoints: use node_type: effect")
            if operation.steps is not None and self.node_type != "orchestrator":
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
        if self.node_type not in ("compute", "reducer"):
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

"""Operations: what each one does (HTTP call, workflow steps, CRUD kind), and the table CRUD works on."""

from __future__ import annotations

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
    model_validator,
)

from codegen_ast.spec.checks import MAX_STEPS, check_event_type, check_snake_case, shown

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

    name: str  # a snake_case identifier: module, function and class names derive from it
    written: str | None = None  # the operation as the contract spells it (``event.forward``), when it differs
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
    def routed(self) -> str:
        """The routing key: the operation as written (``written``), else ``name``."""
        return self.written if self.written is not None else self.name

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

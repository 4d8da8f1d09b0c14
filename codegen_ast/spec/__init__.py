"""NodeSpec: what a user asks the generator for, split by concern.

``checks`` (limits and name checks), ``fields`` (field types), ``operations``
(operations, HTTP calls, workflow steps, tables), ``behaviour`` (state machine,
events, cache, variants), ``declared`` (what a contract declares, kept as
written), ``names`` (every name derived from a spec) and ``node`` (NodeSpec).
Everything is importable from ``codegen_ast.spec``.
"""

from codegen_ast.spec.behaviour import (
    VARIANT_NODE_TYPES,
    VARIANTS,
    CacheSpec,
    EventsSpec,
    PublishedEventSpec,
    StateMachineSpec,
    SubscribedEventSpec,
    TransitionSpec,
)
from codegen_ast.spec.checks import (
    DEPENDENCIES,
    FEATURES,
    MAX_NAME_LENGTH,
    NODE_TYPES,
    Location,
    NodeType,
    SpecFieldError,
    check_event_type,
    check_snake_case,
    check_topic,
    shown,
    suggestion,
)
from codegen_ast.spec.fields import SCALAR_TYPES, FieldSpec, FieldType
from codegen_ast.spec.node import NodeSpec
from codegen_ast.spec.operations import (
    IDEMPOTENT_METHODS,
    DatabaseSpec,
    HttpCallSpec,
    OperationSpec,
    ParallelStepsSpec,
    StepActionSpec,
    StepSpec,
)

__all__ = [
    "DEPENDENCIES", "FEATURES", "IDEMPOTENT_METHODS", "MAX_NAME_LENGTH", "NODE_TYPES", "SCALAR_TYPES",
    "VARIANTS", "VARIANT_NODE_TYPES", "CacheSpec", "DatabaseSpec", "EventsSpec", "FieldSpec", "FieldType",
    "HttpCallSpec", "Location", "NodeSpec", "NodeType", "OperationSpec", "ParallelStepsSpec",
    "PublishedEventSpec", "SpecFieldError", "StateMachineSpec", "StepActionSpec", "StepSpec",
    "SubscribedEventSpec", "TransitionSpec", "check_event_type", "check_snake_case", "check_topic",
    "shown", "suggestion",
]

"""Framework errors: what failed, its code, whether trying again can help, and how
loud to log it, without ever carrying a request value.

Every integration classifies its own exceptions (``Classifier``: exception ->
``Failure`` or None); ``map_error`` turns the first match into a ModelOnexError.
The messages name the operation, the exception type, SQLSTATEs, HTTP statuses and
route templates, never the exception's own text (a driver's message can quote the
value that failed: ``invalid input syntax for type integer: "4111..."``).
"""

import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias
from uuid import UUID

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from pydantic import ValidationError

from onex_support.logs import EnumLogLevel
from onex_support.values import Maybe

__all__ = [
    "CALLER_CODES",
    "RETRYABLE_CODES",
    "Classification",
    "Classifier",
    "ErrorTable",
    "Failure",
    "by_type",
    "classify_base",
    "error_context",
    "is_retryable",
    "log_level",
    "map_error",
    "onex_error",
    "validation_summary",
]

# codes of failures that may pass if the same request is tried again later
RETRYABLE_CODES = frozenset(
    {
        EnumCoreErrorCode.TIMEOUT,
        EnumCoreErrorCode.NETWORK_ERROR,
        EnumCoreErrorCode.DATABASE_CONNECTION_ERROR,
        EnumCoreErrorCode.SERVICE_UNAVAILABLE,
        EnumCoreErrorCode.DEPENDENCY_UNAVAILABLE,
        EnumCoreErrorCode.RATE_LIMIT_ERROR,
        EnumCoreErrorCode.RESOURCE_UNAVAILABLE,
        EnumCoreErrorCode.CACHE_CONNECTION_ERROR,
        EnumCoreErrorCode.CACHE_TIMEOUT_ERROR,
        EnumCoreErrorCode.EVENT_BUS_ERROR,
    }
)
# codes of failures the caller caused: an answer, not an incident (logged at INFO)
CALLER_CODES = frozenset(
    {
        EnumCoreErrorCode.VALIDATION_ERROR,
        EnumCoreErrorCode.INVALID_INPUT,
        EnumCoreErrorCode.INVALID_PARAMETER,
        EnumCoreErrorCode.INVALID_OPERATION,
        EnumCoreErrorCode.NOT_FOUND,
        EnumCoreErrorCode.INVALID_STATE,
    }
)
# pydantic error types whose message is written by a validator and may quote the input
_FREE_TEXT_ERRORS = frozenset({"value_error", "assertion_error"})


@dataclass(frozen=True)
class Failure:
    """How one exception is reported: its code, a description without values,
    whether a later try may pass, and context worth keeping (SQLSTATE, status...)."""

    code: EnumCoreErrorCode
    detail: str
    retryable: bool = False
    context: Mapping[str, object] = field(default_factory=dict)


# what a classifier says of an exception: how to report it, or None when the
# exception is not of a kind it knows (the next classifier is asked)
Classification: TypeAlias = Failure | None
Classifier = Callable[[BaseException], Classification]
# (exception type, code): the first entry the error is an instance of wins
ErrorTable = Sequence[tuple[type[BaseException], EnumCoreErrorCode]]


def onex_error(
    message: str,
    code: EnumCoreErrorCode,
    correlation_id: Maybe[UUID] = None,
    *,
    retryable: bool | None = None,
    extra: Mapping[str, object] | None = None,
    **context: object,
) -> ModelOnexError:
    """A ModelOnexError with ``code``, the correlation id and ``context`` (and
    ``extra``); its context says whether it is ``retryable`` (by default: the code
    is in RETRYABLE_CODES)."""
    # ModelOnexError keeps extra keywords in .context; Any: they never name its own
    # parameters (status, timestamp), which callers do not pass
    kept: dict[str, Any] = {**(extra or {}), **context}
    kept["retryable"] = code in RETRYABLE_CODES if retryable is None else retryable
    return ModelOnexError(
        message=message, error_code=code, correlation_id=correlation_id, **kept
    )


def error_context(error: ModelOnexError) -> dict[str, object]:
    """The context the error was raised with (retryable, sqlstate, status_code...)."""
    return dict(error.model.context)


def is_retryable(error: BaseException) -> bool:
    """Whether trying the same request again may succeed: what the error says, else
    whether its code is a transient one; False for anything not a ModelOnexError."""
    if not isinstance(error, ModelOnexError):
        return False
    retryable = error.model.context.get("retryable")
    if isinstance(retryable, bool):
        return retryable
    return error.error_code in RETRYABLE_CODES


def log_level(error: ModelOnexError) -> EnumLogLevel:
    """WARNING for what may pass when tried again, INFO for what the caller caused
    (not found, invalid...), ERROR for the rest (defects, broken dependencies)."""
    if is_retryable(error):
        return EnumLogLevel.WARNING
    if error.error_code in CALLER_CODES:
        return EnumLogLevel.INFO
    return EnumLogLevel.ERROR


def by_type(table: ErrorTable) -> Classifier:
    """A classifier from an (exception type, code) table; retryable by code."""

    def classify(error: BaseException) -> Classification:
        for kind, code in table:
            if isinstance(error, kind):
                return Failure(code, type(error).__name__, code in RETRYABLE_CODES)
        return None

    return classify


def validation_summary(error: ValidationError) -> str:
    """Where and why pydantic refused, without ``input_value``: ``amount: Input
    should be a valid decimal; sku: Field required``."""
    parts = []
    for entry in error.errors(include_input=False, include_url=False)[:5]:
        where = ".".join(str(part) for part in entry["loc"]) or "(model)"
        message = entry["type"] if entry["type"] in _FREE_TEXT_ERRORS else entry["msg"]
        parts.append(f"{where}: {message}")
    more = error.error_count() - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def where(error: BaseException) -> str:
    """``file.py:line in function`` of the frame that raised ``error``."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "unknown location"
    frame = frames[-1]
    return f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} in {frame.name}"


def classify_base(error: BaseException) -> Failure:
    """What every node knows: pydantic refusals, timeouts, refused or dropped
    connections; anything else is a defect (INTERNAL_ERROR, with where it was raised).
    """
    kind = type(error).__name__
    if isinstance(error, ValidationError):
        return Failure(
            EnumCoreErrorCode.VALIDATION_ERROR,
            f"invalid {error.title}: {validation_summary(error)}",
        )
    if isinstance(error, TimeoutError):
        return Failure(EnumCoreErrorCode.TIMEOUT, f"{kind}: timed out", True)
    if isinstance(error, ConnectionError):
        return Failure(EnumCoreErrorCode.NETWORK_ERROR, kind, True)
    return Failure(
        EnumCoreErrorCode.INTERNAL_ERROR,
        f"{kind} at {where(error)}",
        context={"raised_at": where(error)},
    )


def map_error(
    error: BaseException,
    classifiers: Sequence[Classifier],
    operation: str,
    correlation_id: Maybe[UUID],
) -> ModelOnexError:
    """``error`` as a ModelOnexError: the first classifier that knows it, else
    ``classify_base``. Raise the result ``from None``: the original exception's
    text may quote request values, its type and place are in the context."""
    failure = next(
        (found for found in (c(error) for c in classifiers) if found is not None),
        None,
    ) or classify_base(error)
    return onex_error(
        f"operation {operation!r} failed: {failure.detail}",
        failure.code,
        correlation_id,
        retryable=failure.retryable,
        operation=operation,
        exception_type=type(error).__name__,
        extra=failure.context,
    )

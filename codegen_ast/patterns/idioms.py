"""The generated-code idioms every pattern uses, in one place.

Each function builds one small piece of a generated node the same way wherever
a pattern needs it; each idiom's imports are beside it (``*_IMPORTS``), for the
pattern's Contribution:

- :func:`raise_error`: ``raise ModelOnexError(message=..., error_code=EnumCoreErrorCode.X,
  correlation_id=..., **context)``, optionally ``from`` a cause;
- :func:`log`: ``self._emit_log(EnumLogLevel.X, message, correlation_id, **context)``
  (the logging pattern's helper);
- :func:`count`: ``self.increment_counter(METRIC_..., tags=...)`` (MixinMetrics);
- :func:`health_issue`: ``ModelHealthIssue.create_<kind>_issue(message=..., severity=...)``;
- :class:`Setting`, :func:`setting`, :func:`setting_constants`: a value read from
  the environment, with its variable's name and safe default as module constants
  (:func:`environment_value`: the name written out where it is read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.target import ERROR_CODE, HEALTH_ISSUE, LOG_LEVEL, ONEX_ERROR, Symbol

Statements = list[cst.BaseStatement]
Message = str | cst.BaseExpression  # a str is the message's text; an expression is used as it is

ERROR_IMPORTS: frozenset[Symbol] = frozenset({ONEX_ERROR, ERROR_CODE})
LOG_IMPORTS: frozenset[Symbol] = frozenset({LOG_LEVEL})
HEALTH_ISSUE_IMPORTS: frozenset[Symbol] = frozenset({HEALTH_ISSUE})
SETTING_IMPORTS: frozenset[Symbol] = frozenset({Symbol("os", "")})


def _message(message: Message) -> cst.BaseExpression:
    return b.string_literal(message) if isinstance(message, str) else message


def framework_error(
    message: Message, code: str, *, correlation_id: b.ExprLike | None = None, **context: b.ExprLike
) -> cst.Call:
    """``ModelOnexError(message=..., error_code=EnumCoreErrorCode.<code>, correlation_id=..., **context)``."""
    keywords: dict[str, b.ExprLike] = {"message": _message(message), "error_code": f"{ERROR_CODE.name}.{code}"}
    if correlation_id is not None:
        keywords["correlation_id"] = correlation_id
    return b.call(ONEX_ERROR.name, **keywords, **context)


def raise_error(
    message: Message,
    code: str,
    *,
    correlation_id: b.ExprLike | None = None,
    cause: b.ExprLike | None = None,
    **context: b.ExprLike,
) -> cst.BaseStatement:
    """``raise ModelOnexError(...)`` (``from cause`` when given): the framework's error with a code and context."""
    return b.raise_(framework_error(message, code, correlation_id=correlation_id, **context), cause=cause)


def log(level: str, message: Message, correlation_id: b.ExprLike | None = None, **context: b.ExprLike) -> cst.SimpleStatementLine:
    """``self._emit_log(EnumLogLevel.<level>, message[, correlation_id], **context)``: one structured log line."""
    arguments: list[b.ExprLike] = [f"{LOG_LEVEL.name}.{level}", _message(message)]
    if correlation_id is not None:
        arguments.append(correlation_id)
    return b.do(b.call("self._emit_log", *arguments, **context))


def count(metric: b.ExprLike, by: b.ExprLike | None = None, *, tags: b.ExprLike | None = None) -> cst.SimpleStatementLine:
    """``self.increment_counter(<metric constant>[, by][, tags=...])``: count in MixinMetrics."""
    arguments = [metric] if by is None else [metric, by]
    return b.do(b.call("self.increment_counter", *arguments, **({} if tags is None else {"tags": tags})))


def health_issue(message: Message, severity: str, kind: Literal["connectivity", "resource"] = "connectivity") -> cst.Call:
    """``ModelHealthIssue.create_<kind>_issue(message=..., severity="<severity>")``."""
    return b.call(
        f"{HEALTH_ISSUE.name}.create_{kind}_issue", message=_message(message), severity=b.string_literal(severity)
    )


@dataclass(frozen=True)
class Setting:
    """An environment variable with a safe default, as two module constants:
    ``<VARIABLE>_ENV`` (its name) and ``<VARIABLE>_DEFAULT``."""

    variable: str  # e.g. POSTGRES_DSN
    default: str


def setting(name: str, default: str | None = None) -> cst.Call:
    """``os.getenv(<NAME>_ENV, <NAME>_DEFAULT)`` for a module-level setting (its constants from
    :func:`setting_constants`); with ``default``, ``os.getenv(<NAME>_ENV, "<default>")``."""
    return b.call("os.getenv", f"{name}_ENV", f"{name}_DEFAULT" if default is None else b.string_literal(default))


def environment_value(variable: str, default: str) -> cst.Call:
    """``os.getenv("<VARIABLE>", "<default>")``: a value read where it is used, its name written out."""
    return b.call("os.getenv", b.string_literal(variable), b.string_literal(default))


def setting_constants(settings: Sequence[Setting]) -> Statements:
    """The ``<VARIABLE>_ENV`` and ``<VARIABLE>_DEFAULT`` constants of each setting."""
    statements: Statements = []
    for item in settings:
        statements.append(b.assign(f"{item.variable}_ENV", b.string_literal(item.variable)))
        statements.append(b.assign(f"{item.variable}_DEFAULT", b.string_literal(item.default)))
    return statements

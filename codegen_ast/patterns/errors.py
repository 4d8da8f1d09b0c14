"""errors: the process path maps exceptions to ModelOnexError with real codes.

Before::

    except Exception as e:
        raise RuntimeError(str(e))

After: ``ModelOnexError`` passes through unchanged (after a structured log
line); known exception types map to specific ``EnumCoreErrorCode`` members,
keeping the cause (``raise ... from error``) and the correlation id; anything
else is logged and wrapped as ``OPERATION_FAILED``.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import Contribution
from codegen_ast.target import ERROR_CODE, LOG_EVENT, LOG_LEVEL, ONEX_ERROR, Symbol


@dataclass(frozen=True)
class ErrorMapping:
    """``except <exception> as error`` -> ModelOnexError(<code>)."""

    exception: Symbol  # module "" for builtins
    code: str


BASE_MAPPINGS = (
    ErrorMapping(Symbol("pydantic", "ValidationError"), "VALIDATION_ERROR"),
    ErrorMapping(Symbol("", "TimeoutError"), "TIMEOUT"),
)


def _log_failure() -> cst.FunctionDef:
    return b.method(
        "_log_failure",
        [Param("error", ONEX_ERROR.name), Param("operation", "str")],
        [
            b.do(
                b.call(
                    "emit_log_event_sync",
                    "EnumLogLevel.ERROR",
                    "error.message",
                    b.dict_(
                        {
                            "node_id": b.call("str", "self.node_id"),
                            "operation": b.name("operation"),
                            "correlation_id": b.call("str", "error.correlation_id"),
                            "error_code": b.call("str", "error.error_code"),
                        }
                    ),
                )
            )
        ],
        returns="None",
        doc="One structured log line per failed operation.",
    )


def _wrap_error() -> cst.FunctionDef:
    message = b.formatted_string(
        "operation ", (b.name("operation"), "r"), " failed: ", b.name("exception_type"), ": ", b.name("error")
    )
    return b.method(
        "_wrap_error",
        [
            Param("error", "Exception"),
            Param("code", ERROR_CODE.name),
            Param("operation", "str"),
            Param("correlation_id", b.annotation("UUID | None")),
        ],
        [
            b.assign("exception_type", b.attr(b.call("type", "error"), "__name__")),
            b.assign(
                "wrapped",
                b.call(
                    "ModelOnexError",
                    message=message,
                    error_code="code",
                    correlation_id="correlation_id",
                    operation="operation",
                    exception_type="exception_type",
                ),
            ),
            b.do(b.call("self._log_failure", "wrapped", "operation")),
            b.return_("wrapped"),
        ],
        returns=ONEX_ERROR.name,
        doc="Log ``error`` and turn it into a ModelOnexError with ``code``.",
    )


def _wrap(mapping: ErrorMapping) -> cst.ExceptHandler:
    wrapped = b.call(
        "self._wrap_error",
        "error",
        f"EnumCoreErrorCode.{mapping.code}",
        "operation",
        "correlation_id",
    )
    return b.except_(mapping.exception.name, [b.raise_(wrapped, cause="error")], as_name="error")


UNEXPECTED = ErrorMapping(Symbol("", "Exception"), "OPERATION_FAILED")


def build_errors(mappings: tuple[ErrorMapping, ...] = BASE_MAPPINGS) -> Contribution:
    """The ``except`` clauses of ``process`` (most specific first) and the two
    helper methods they call."""
    passthrough = b.except_(
        "ModelOnexError",
        [b.do(b.call("self._log_failure", "error", "operation")), b.raise_()],
        as_name="error",
    )
    imports = {(s.module, s.name) for s in (ONEX_ERROR, ERROR_CODE, LOG_EVENT, LOG_LEVEL)}
    imports.add(("uuid", "UUID"))
    imports |= {(m.exception.module, m.exception.name) for m in mappings if m.exception.module}
    return Contribution(
        imports=imports,
        methods=[_log_failure(), _wrap_error()],
        except_handlers=[passthrough, *(_wrap(m) for m in mappings), _wrap(UNEXPECTED)],
    )

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

import libcst as cst

from codegen_ast.patterns import idioms
from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import Contribution, ErrorMapping
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.patterns.record import Earlier, Example, Pattern, PatternName, always
from codegen_ast.target import ERROR_CODE, LOG_LEVEL, ONEX_ERROR, Symbol



BASE_MAPPINGS = (
    ErrorMapping(Symbol("pydantic", "ValidationError"), "VALIDATION_ERROR"),
    ErrorMapping(Symbol("", "TimeoutError"), "TIMEOUT"),
)


def _log_failure(error: str, operation: str) -> cst.BaseStatement:
    """``self._emit_log(ERROR, error.message, error.correlation_id, ...)``"""
    return idioms.log(
        "ERROR",
        b.dotted(f"{error}.message"),
        f"{error}.correlation_id",
        operation=operation,
        error_code=b.call("str", f"{error}.error_code"),
    )


def _validation_problems() -> list[cst.BaseStatement]:
    """``problems``: where and why a ValidationError failed, without pydantic's
    ``input_value=...``, which repeats the request's values (secrets included)."""
    where = b.call(b.attr(b.string_literal("."), "join"),
                   b.list_comp(b.call("str", "part"), "part", b.subscript("item", b.string_literal("loc"))))
    return [
        b.assign("problems", b.list_(), b.annotation("list[str]")),
        b.if_(
            b.call("isinstance", "error", "ValidationError"),
            [
                b.for_(
                    "item",
                    b.call("error.errors", include_url="False", include_input="False", include_context="False"),
                    [
                        b.assign("where", where),
                        b.do(b.call("problems.append", b.binop(b.binop("where", "+", b.string_literal(": ")), "+",
                                                               b.subscript("item", b.string_literal("msg"))))),
                    ],
                )
            ],
        ),
    ]


def _wrap_error() -> cst.FunctionDef:
    # Only the exception's type and, for invalid input, the fields at fault: an
    # exception's text may hold the request's values (pydantic's input_value, a
    # client library quoting the argument it could not encode, a URL with the
    # path's values); the cause stays chained for the caller.
    message = b.formatted_string("operation ", (b.name("operation"), "r"), " failed: ", b.name("exception_type"))
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
            *_validation_problems(),
            b.assign("message", message),
            b.if_(
                "problems",
                [
                    b.augment(
                        "message",
                        "+=",
                        b.binop(
                            b.binop(b.string_literal(" ("), "+", b.call(b.attr(b.string_literal("; "), "join"), "problems")),
                            "+",
                            b.string_literal(")"),
                        ),
                    )
                ],
            ),
            b.assign(
                "wrapped",
                b.call(
                    "ModelOnexError",
                    message="message",
                    error_code="code",
                    correlation_id="correlation_id",
                    operation="operation",
                    exception_type="exception_type",
                ),
            ),
            _log_failure("wrapped", "operation"),
            b.return_("wrapped"),
        ],
        returns=ONEX_ERROR.name,
        doc="Log ``error`` and turn it into a ModelOnexError with ``code``; neither repeats the request's values.",
    )


def _exception_name(symbol: Symbol) -> str:
    """``import x`` style modules are referenced as ``x.Name``; the rest by name."""
    return f"{symbol.module}.{symbol.name}" if symbol.module in _QUALIFIED else symbol.name


# client libraries imported as modules (``import httpx``) in node.py
_QUALIFIED = frozenset({"asyncpg", "httpx", "redis.exceptions", "aiokafka.errors"})


def _wrap(code: str, exceptions: list[Symbol]) -> cst.ExceptHandler:
    wrapped = b.call(
        "self._wrap_error",
        "error",
        f"EnumCoreErrorCode.{code}",
        "operation",
        "correlation_id",
    )
    names = [_exception_name(exception) for exception in exceptions]
    return b.except_(names, [b.raise_(wrapped, cause="error")], as_name="error")


def _grouped(mappings: list[ErrorMapping]) -> list[cst.ExceptHandler]:
    """One ``except (A, B)`` clause per run of neighbouring mappings with the same code."""
    runs: list[tuple[str, list[Symbol]]] = []
    for mapping in mappings:
        if runs and runs[-1][0] == mapping.code:
            runs[-1][1].append(mapping.exception)
        else:
            runs.append((mapping.code, [mapping.exception]))
    return [_wrap(code, exceptions) for code, exceptions in runs]


UNEXPECTED = ErrorMapping(Symbol("", "Exception"), "OPERATION_FAILED")


def build_errors(specific: list[ErrorMapping] | tuple[ErrorMapping, ...] = ()) -> Contribution:
    """The ``except`` clauses of ``process`` (most specific first) and the two
    helper methods they call."""
    passthrough = b.except_(
        "ModelOnexError",
        [_log_failure("error", "operation"), b.raise_()],
        as_name="error",
    )
    imports = {(s.module, s.name) for s in (ONEX_ERROR, ERROR_CODE, LOG_LEVEL)}
    imports.add(("uuid", "UUID"))
    mappings = [*BASE_MAPPINGS[:1], *specific, *BASE_MAPPINGS[1:]]
    imports |= {
        (m.exception.module, "" if m.exception.module in _QUALIFIED else m.exception.name)
        for m in mappings
        if m.exception.module
    }
    return Contribution(
        imports=imports,
        methods=[_wrap_error()],
        except_handlers=[passthrough, *_grouped([*mappings, UNEXPECTED])],
    )


def _build(context: NodeContext, earlier: Earlier) -> Contribution:
    errors = build_errors(earlier.error_mappings)
    return Contribution(imports=errors.imports, methods=errors.methods)


PATTERN = Pattern(
    name=PatternName.ERRORS,
    summary="the process path maps exceptions to ModelOnexError with real codes.",
    applies=always("always: specific exceptions map to EnumCoreErrorCode"),
    build=_build,
    example=Example(
        before="except Exception as e:\n    raise RuntimeError(str(e))",
        after=(
            "try:\n"
            "    output = await handler(request)\n"
            "except asyncpg.PostgresConnectionError as error:\n"
            "    raise self._wrap_error(error, EnumCoreErrorCode.DATABASE_CONNECTION_ERROR, operation) from error"
        ),
    ),
    tests=("tests/test_generated_package.py", "tests/upgrade/test_upgrade_rules.py"),
    upgradable=True,
)

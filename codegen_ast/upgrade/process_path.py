"""Metrics and error mapping around a hand-written ``process``, by decoration.

A generated node records metrics and maps errors inside its own ``process``
(the routing pattern). A hand-written ``process`` belongs to the user, so the
upgrade does not rewrite or re-indent it: it adds one decorator per concern
directly above the ``def`` (inside any decorators the user already has)::

    @_record_metrics          # metrics: calls self._record_operation(...) in a finally
    @_map_errors              # errors: the errors pattern's except clauses
    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        ...                   # untouched

The decorators are module functions built from the same pieces as generated
code: the ``except`` clauses come from :func:`codegen_ast.patterns.core.errors.build_errors`
and the recording from the metrics pattern's ``_record_operation``. An entry
point that already calls ``self._record_operation`` / ``self._wrap_error``
(generated code, or a user who did it by hand) is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import Contribution
from codegen_ast.target import ERROR_CODE, LOG_LEVEL, ONEX_ERROR

RECORD_METRICS = "_record_metrics"
MAP_ERRORS = "_map_errors"
# what a decorated entry point calls itself when it needs no decorator
CALLED_BY = {RECORD_METRICS: "_record_operation", MAP_ERRORS: "_wrap_error"}
_IMPORTS = {
    ("functools", ""),
    ("collections.abc", "Callable"),
    ("collections.abc", "Coroutine"),
    ("typing", "Any"),
    ("typing", "Concatenate"),
}


def _entry_type() -> cst.BaseExpression:
    """What the decorators take and give: a coroutine method, ``self`` first."""
    return b.annotation("Callable[Concatenate[Any, P], Coroutine[Any, Any, R]]")


def _decorator(name: str, wrapper: str, body: list[cst.BaseStatement], doc: str) -> cst.FunctionDef:
    inner = b.function(
        wrapper,
        [Param("*args", b.annotation("P.args")), Param("**kwargs", b.annotation("P.kwargs"))],
        body,
        returns="R",
        is_async=True,
        decorators=[b.call("functools.wraps", "entry")],
    )
    # `self` is positional-only, as Concatenate[Any, P] says
    self_param = cst.Param(b.name("self"), cst.Annotation(b.name("Any")))
    inner = inner.with_changes(params=inner.params.with_changes(posonly_params=[self_param]))
    outer = b.function(
        name,
        [Param("entry", _entry_type())],
        [
            b.assign("operation", b.call("getattr", "entry", b.string_literal("__name__"), b.string_literal("process")), "str"),
            inner,
            b.return_(wrapper),
        ],
        returns=_entry_type(),
        doc=doc,
    )
    type_parameters = cst.TypeParameters(
        [cst.TypeParam(cst.ParamSpec(b.name("P"))), cst.TypeParam(cst.TypeVar(b.name("R")))]
    )
    return outer.with_changes(type_parameters=type_parameters)


def _call_entry() -> cst.Await:
    return b.await_(b.call("entry", "self", b.star("args"), b.double_star("kwargs")))


def record_metrics() -> cst.FunctionDef:
    body = [
        b.assign("started", b.call("time.perf_counter")),
        b.assign("succeeded", "False"),
        b.try_(
            [b.assign("result", _call_entry()), b.assign("succeeded", "True"), b.return_("result")],
            finally_=[b.do(b.await_(b.call("self._record_operation", "operation", "started", "succeeded")))],
        ),
    ]
    return _decorator(
        RECORD_METRICS,
        "recorded",
        body,
        "Count every call of ``entry``, its outcome and duration (the node's _record_operation).",
    )


def map_errors(handlers: Sequence[cst.ExceptHandler]) -> cst.FunctionDef:
    first_argument = b.if_exp("args", b.call("getattr", b.subscript("args", b.literal(0)), b.string_literal("correlation_id"), "None"), "None")
    body = [
        b.assign("found", first_argument),
        b.assign("correlation_id", b.if_exp(b.call("isinstance", "found", "UUID"), "found", "None")),
        b.try_([b.return_(_call_entry())], handlers),
    ]
    return _decorator(
        MAP_ERRORS,
        "mapped",
        body,
        "Turn exceptions escaping ``entry`` into ModelOnexError with specific codes (the node's _wrap_error).",
    )


def build_process_path(*, record: bool, handlers: Sequence[cst.ExceptHandler] | None) -> Contribution:
    """The decorator functions: ``record`` for metrics, ``handlers`` (the errors
    pattern's except clauses) for error mapping; None leaves that one out."""
    contribution = Contribution()
    if record:
        contribution.imports |= _IMPORTS | {("time", "")}
        contribution.module_statements.append(record_metrics())
    if handlers is not None:
        contribution.imports |= _IMPORTS | {("uuid", "UUID")}
        contribution.imports |= {(s.module, s.name) for s in (ONEX_ERROR, ERROR_CODE, LOG_LEVEL)}
        contribution.module_statements.append(map_errors(handlers))
    return contribution


def decorators_for(contribution: Contribution) -> list[str]:
    """The decorator names ``contribution`` defines, outermost first."""
    names = {statement.name.value for statement in contribution.module_statements if isinstance(statement, cst.FunctionDef)}
    return [name for name in (RECORD_METRICS, MAP_ERRORS) if name in names]

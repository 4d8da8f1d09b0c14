"""http_endpoints: one handler per declared endpoint (``http: {method, path}``),
calling it through the node's ``http_call``.

The handler fills the path's ``{field}`` placeholders from the request, each
value URL-quoted as one path segment (a missing value, ``""``, ``"."`` or
``".."`` would name another resource and is refused with VALIDATION_ERROR);
sends the other input fields that are set as the JSON body (POST, PUT, PATCH)
or as query parameters (GET, HEAD, DELETE); and validates the JSON answer's
declared output fields into the typed output. An answer that is not a JSON
object with fitting fields raises CONTRACT_VIOLATION: the endpoint broke the
contract the spec declares (OPERATION_FAILED would hide it among unexpected
failures; VALIDATION_ERROR would blame the caller's input). Timeouts, retries,
the correlation id header, metrics and the status -> error code map live in
``http_call`` (see :mod:`codegen_ast.patterns.integrations.http`).

What every endpoint handler does alike -- quoting a path segment, reading the
answer into the output model -- is written once, in the package's
``endpoints.py``, which the handler modules import.
"""

from __future__ import annotations

import math
from typing import Any

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.files.values import sent_value
from codegen_ast.patterns.integrations.http import UNSAFE_PATH_VALUES
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.spec import FieldSpec, HttpCallSpec, OperationSpec
from codegen_ast.target import ERROR_CODE, ONEX_ERROR

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
MODULE = "endpoints"  # the package module the endpoint handlers share
MALFORMED_ANSWER = "CONTRACT_VIOLATION"
Statements = list[cst.BaseStatement]


def takes_node(context: NodeContext, operation: str) -> bool:
    """Whether the operation's handler is built with the node (to call its http_call)."""
    return any(op.name == operation and op.http is not None for op in context.spec.operations)


def io_operation(operation: OperationSpec) -> dict[str, Any]:
    """The operation's entry in the contract's io_operations (omnibase-core's
    ModelIOOperationConfig: an endpoint's whole-second timeout is all it holds of the call)."""
    entry: dict[str, Any] = {"operation_type": operation.routed}
    if operation.http is not None:
        entry["timeout_seconds"] = max(1, math.ceil(operation.http.timeout_s))
    return entry


def sent_fields(context: NodeContext, call: HttpCallSpec) -> list[FieldSpec]:
    return [field for field in context.spec.input_fields if field.name not in call.placeholders]


def _error(message: cst.BaseExpression, code: str, **extra: b.ExprLike) -> cst.Call:
    return b.call(
        ONEX_ERROR.name,
        message=message,
        error_code=f"{ERROR_CODE.name}.{code}",
        correlation_id="request.correlation_id",
        **extra,
    )


def _path_segment(context: NodeContext) -> cst.FunctionDef:
    refused = b.raise_(
        b.call(
            ONEX_ERROR.name,
            message=b.formatted_string(
                b.dotted("request.operation"), " needs ", b.name("field"), " to fill the path ", b.name("path"),
                "; got ", (b.name("value"), "r"),
            ),
            error_code=f"{ERROR_CODE.name}.VALIDATION_ERROR",
            correlation_id="request.correlation_id",
            field="field",
        )
    )
    return b.function(
        "path_segment",
        [Param("value", "object"), Param("field", "str"), Param("path", "str"), Param("request", context.input_model)],
        [
            b.assign("text", b.if_exp(b.compare("value", "is", "None"), b.string_literal(""), b.call("str", "value"))),
            b.if_(b.compare("text", "in", b.tuple_(*(b.string_literal(s) for s in UNSAFE_PATH_VALUES))), [refused]),
            b.return_(b.call("quote", "text", safe=b.string_literal(""))),
        ],
        returns="str",
        doc=(
            "``value`` (the request's ``field``) as one URL-quoted segment of ``path``. None, '', '.' and "
            "'..' are refused: they would make the path name another resource."
        ),
    )


def _optional(field: FieldSpec) -> bool:
    return field.type.optional or not field.required


def _path(call: HttpCallSpec, fields: dict[str, FieldSpec]) -> tuple[Statements, cst.BaseExpression]:
    """Statements that quote each placeholder's value, and the path expression."""
    if not call.placeholders:
        return [], b.name("PATH")
    statements: Statements = []
    parts: list[str | cst.BaseExpression] = []
    rest = call.path
    for placeholder in call.placeholders:
        before, rest = rest.split("{" + placeholder + "}", 1)
        local = f"{placeholder}_segment"
        statements.append(
            b.assign(
                local,
                b.call("path_segment", sent_value(fields[placeholder], optional=_optional(fields[placeholder])),
                       b.string_literal(placeholder), "PATH", "request"),
            )
        )
        parts += [before, b.name(local)] if before else [b.name(local)]
    if rest:
        parts.append(rest)
    return statements, b.formatted_string(*parts)


def fields_set(sent: list[FieldSpec]) -> cst.DictComp:
    """``{name: value for name, value in request.model_dump(...).items() if value is not None}``"""
    dumped = b.call(
        "request.model_dump",
        mode=b.string_literal("json"),
        include=b.set_(*(b.string_literal(field.name) for field in sent)),
    )
    return b.dict_comp(
        "name", "value", "name, value", b.call(b.attr(dumped, "items")), b.compare("value", "is not", "None")
    )


def as_query(fields: cst.DictComp) -> cst.DictComp:
    """Query values are text: strings as they are, everything else as JSON (true, 3, 2.5, [..])."""
    return fields.with_changes(
        value=b.if_exp(b.call("isinstance", "value", "str"), "value", b.call("json.dumps", "value"))
    )


def _to_output(context: NodeContext) -> cst.FunctionDef:
    """The function that validates the answer's declared output fields into the typed output."""
    names = [field.name for field in context.spec.output_fields]
    context_fields: dict[str, b.ExprLike] = {"status_code": "response.status_code", "method": "method"}
    not_json = b.raise_(
        _error(
            b.formatted_string(
                "the answer to ", b.name("method"), " (",
                b.dotted("response.status_code"), ") is not JSON: ", b.name("error"),
            ),
            MALFORMED_ANSWER,
            **context_fields,
        ),
        cause="error",
    )
    not_object = b.raise_(
        _error(
            b.formatted_string(
                "the answer to ", b.name("method"), " (", b.dotted("response.status_code"),
                ") is a JSON ", b.attr(b.call("type", "payload"), "__name__"),
                f", not an object with the output fields {', '.join(names)}",
            ),
            MALFORMED_ANSWER,
            **context_fields,
        ),
    )
    detail = b.name("detail")
    location = b.call(b.attr(b.string_literal("."), "join"), b.call("map", "str", b.subscript(detail, b.string_literal("loc"))))
    problem = b.binop(b.binop(location, "+", b.string_literal(": ")), "+", b.subscript(detail, b.string_literal("msg")))
    problems = b.call(
        b.attr(b.string_literal("; "), "join"),
        cst.GeneratorExp(problem, cst.CompFor(target=detail, iter=b.call("error.errors")), lpar=[], rpar=[]),
    )
    does_not_fit = b.raise_(
        _error(
            b.formatted_string(
                "the answer to ", b.name("method"), " (", b.dotted("response.status_code"),
                f") has fields that do not fit {context.output_model}: ", b.name("problems"),
            ),
            MALFORMED_ANSWER,
            **context_fields,
        ),
        cause="error",
    )
    declared = b.dict_comp("name", b.subscript("payload", "name"), "name", "OUTPUT_FIELDS", b.compare("name", "in", "payload"))
    envelope = b.dict_(
        {
            "operation_id": "request.operation_id",
            "effect_type": "request.effect_type",
            "correlation_id": "request.correlation_id",
        }
    )
    fields = cst.Dict([cst.StarredDictElement(declared), *envelope.elements])
    return b.function(
        "to_output",
        [Param("request", context.input_model), Param("response", "httpx.Response")],
        [
            b.assign("method", "response.request.method"),
            b.assign("payload", b.dict_({}), "object"),
            b.if_(
                "response.content",
                [
                    b.try_(
                        [b.assign("payload", b.call("response.json"))],
                        [b.except_("ValueError", [not_json], as_name="error")],
                    )
                ],
            ),
            b.if_(b.not_(b.call("isinstance", "payload", "dict")), [not_object]),
            b.try_(
                [b.return_(b.call(f"{context.output_model}.model_validate", fields))],
                [
                    b.except_(
                        "ValidationError",
                        [b.assign("problems", problems), does_not_fit],
                        as_name="error",
                    )
                ],
            ),
        ],
        returns=context.output_model,
        doc=(
            "The answer to ``request``'s endpoint call: its declared output fields, validated into the typed "
            "output (other keys are "
            f"ignored; an empty answer such as 204 leaves them unset). A body that is not a JSON "
            f"object, or fields that do not fit, raise {MALFORMED_ANSWER}."
        ),
    )


def _describe(context: NodeContext, call: HttpCallSpec, sent: list[FieldSpec]) -> str:
    tries = (
        f"sent up to {call.attempts} times (timeouts, transport errors and 502/503/504 are retried with backoff)"
        if call.attempts > 1
        else (
            f"sent once ({call.method} is not idempotent, so it is never retried)"
            if not call.idempotent
            else "sent once (retries: 0)"
        )
    )
    parts = [f"{call.method} {call.path} with a {call.timeout_s:g} s timeout, {tries}."]
    if call.placeholders:
        parts.append(f"{', '.join(call.placeholders)} fill{'s' if len(call.placeholders) == 1 else ''} the path.")
    if sent:
        where = "the JSON body" if call.method in BODY_METHODS else "query parameters"
        parts.append(f"The other input fields that are set ({', '.join(f.name for f in sent)}) go as {where}.")
    if context.spec.output_fields:
        parts.append("The JSON answer fills the output fields.")
    else:
        parts.append("The answer's body is not read: the node declares no output fields.")
    parts.append("A 4xx/5xx answer raises the error code the node's HTTP_ERROR_CODES gives its status.")
    return " ".join(parts)


def build_endpoint_modules(context: NodeContext) -> dict[str, cst.Module]:
    """``endpoints.py``: what the endpoint handlers share (none when no operation declares one)."""
    spec = context.spec
    calls = [op.http for op in spec.operations if op.http is not None]
    if not context.kind.performs_io or not calls:
        return {}
    imports = b.ImportSet()
    imports.add(f".models.{spec.input_model_file}", context.input_model)
    body: Statements = []
    if any(call.placeholders for call in calls):
        imports.add("urllib.parse", "quote").add(ERROR_CODE.module, ERROR_CODE.name).add(ONEX_ERROR.module, ONEX_ERROR.name)
        body.append(_path_segment(context))
    if spec.output_fields:
        imports.add("httpx").add("pydantic", "ValidationError")
        imports.add(ERROR_CODE.module, ERROR_CODE.name).add(ONEX_ERROR.module, ONEX_ERROR.name)
        imports.add(f".models.{spec.output_model_file}", context.output_model)
        body.insert(0, b.assign("OUTPUT_FIELDS", b.tuple_(*(b.string_literal(f.name) for f in spec.output_fields))))
        body.append(_to_output(context))
    if not body:
        return {}
    return {
        f"{MODULE}.py": b.module(
            [*imports.statements(), *body],
            doc=f"What the endpoint handlers of {spec.class_name} share: path segments, and reading an answer into the output.",
        )
    }


def build_http_handler(context: NodeContext, operation: OperationSpec) -> cst.Module:
    spec = context.spec
    call = operation.http
    assert call is not None
    sent = sent_fields(context, call)
    imports = b.ImportSet().add("__future__", "annotations").add("typing", "TYPE_CHECKING")
    imports.add(f"..models.{spec.input_model_file}", context.input_model)
    imports.add(f"..models.{spec.output_model_file}", context.output_model)
    constants: Statements = [
        b.assign("METHOD", b.string_literal(call.method)).with_changes(leading_lines=[cst.EmptyLine()]),
        b.assign("PATH", b.string_literal(call.path)),
        b.assign("TIMEOUT_S", b.literal(float(call.timeout_s))),
        b.assign("ATTEMPTS", b.literal(call.attempts)),
    ]
    path_statements, path = _path(call, {field.name: field for field in spec.input_fields})
    if call.placeholders:
        imports.add(f"..{MODULE}", "path_segment")
    keywords: dict[str, b.ExprLike] = {}
    if sent:
        if call.method in BODY_METHODS:
            keywords["json"] = fields_set(sent)
        else:
            imports.add("json")
            keywords["params"] = as_query(fields_set(sent))
    keywords |= {"timeout_s": "TIMEOUT_S", "attempts": "ATTEMPTS", "correlation_id": "request.correlation_id",
                 "route": "PATH"}
    send = b.await_(b.call("self._node.http_call", "METHOD", path, **keywords))
    if spec.output_fields:
        imports.add(f"..{MODULE}", "to_output")
        answer: Statements = [
            b.assign("response", send),
            b.return_(b.call("to_output", "request", "response")),
        ]
    else:
        answer = [
            b.do(send),
            b.return_(
                b.call(
                    context.output_model,
                    operation_id="request.operation_id",
                    effect_type="request.effect_type",
                    correlation_id="request.correlation_id",
                )
            ),
        ]
    init = b.method(
        "__init__",
        [Param("node", spec.class_name)],
        [b.assign("self._node", "node")],
        returns="None",
        doc="Requests go through the node's http_call (client, timeout, retries, metrics, error codes).",
    )
    handle = b.method(
        "handle",
        [Param("request", context.input_model)],
        [*path_statements, *answer],
        returns=context.output_model,
        is_async=True,
        doc=_describe(context, call, sent),
    )
    handler = b.class_(
        context.handler_class(operation.name),
        [],
        [init, handle],
        doc=operation.description or f"The {operation.name} operation: {call.method} {call.path}.",
    )
    # the node imports its handlers, so a handler names the node's type only for mypy
    type_only = b.if_("TYPE_CHECKING", b.ImportSet().add("..node", spec.class_name).statements())
    return b.module(
        [*imports.statements(), type_only, *constants, handler],
        doc=f"Handler of the {operation.name} operation of {spec.class_name}: {call.method} {call.path}.",
    )


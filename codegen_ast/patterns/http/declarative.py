"""HTTP endpoints in the declarative shape: each declared endpoint's ``run`` calls
it through the node's ``HttpApi`` (``resources.http``: whole-call deadline, safe
retries, idempotency keys, the breaker when declared); the path's placeholders
are filled from the request, the other fields that are set go as query
parameters or the JSON body, and the JSON answer fills the output fields."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.files.values import sent_value
from codegen_ast.patterns.contribution import Contribution, NodeContext, RunBody
from codegen_ast.patterns.http.endpoints import BODY_METHODS, as_query, fields_set, sent_fields
from codegen_ast.patterns.record import Earlier
from codegen_ast.spec import OperationSpec
from codegen_ast.target import ERROR_CODE

HTTP_API = "onex_support.http_api"


def run_body(context: NodeContext, operation: OperationSpec) -> RunBody:
    spec = context.spec
    call = operation.http
    assert call is not None
    imports: set[tuple[str, str]] = set()
    fields = {field.name: field for field in spec.input_fields}
    keywords: dict[str, b.ExprLike] = {}
    if call.placeholders:
        keywords["path_params"] = b.dict_({
            name: sent_value(fields[name], optional=fields[name].type.optional or not fields[name].required)
            for name in call.placeholders
        })
    sent = sent_fields(context, call)
    if sent:
        if call.method in BODY_METHODS:
            keywords["json"] = fields_set(sent)
        else:
            imports.add(("json", ""))
            keywords["params"] = as_query(fields_set(sent))
    keywords |= {"timeout_s": b.literal(float(call.timeout_s)), "attempts": b.literal(call.attempts),
                 "correlation_id": "request.correlation_id"}
    send = b.await_(b.call("resources.http.call", b.string_literal(call.method), b.string_literal(call.path), **keywords))
    echo = {"operation": "request.operation", "correlation_id": "request.correlation_id"}
    doc = f"{call.method} {call.path} ({call.timeout_s:g} s, up to {call.attempts} attempt(s))"
    if not spec.output_fields:
        body: list[cst.BaseStatement] = [b.do(send), b.return_(b.call(context.output_model, **echo))]
        return RunBody(tuple(body), frozenset(imports), doc + "; the answer's body is not read.")
    imports |= {(HTTP_API, "json_answer"), ("onex_support.errors", "onex_error"), (ERROR_CODE.module, ERROR_CODE.name)}
    declared = b.tuple_(*(b.string_literal(field.name) for field in spec.output_fields))
    refused = b.raise_(b.call(
        "onex_error", b.string_literal(f"the answer to {call.method} {call.path} is not a JSON object"),
        f"{ERROR_CODE.name}.CONTRACT_VIOLATION", "request.correlation_id",
        route=b.string_literal(call.path),
    ))
    picked = cst.DictComp(
        key=b.name("name"), value=b.subscript("answer", "name"),
        for_in=cst.CompFor(target=b.name("name"), iter=declared, ifs=[cst.CompIf(b.compare("name", "in", "answer"))]),
    )
    validated = b.call(f"{context.output_model}.model_validate", cst.Dict([
        cst.StarredDictElement(picked),
        cst.DictElement(b.string_literal("operation"), b.expr("request.operation")),
        cst.DictElement(b.string_literal("correlation_id"), b.expr("request.correlation_id")),
    ]))
    body = [
        b.assign("response", send),
        b.assign("answer", b.call("json_answer", "response")),
        b.if_(b.not_(b.call("isinstance", "answer", "dict")), [refused]),
        b.return_(validated),
    ]
    return RunBody(tuple(body), frozenset(imports), doc + "; the JSON answer fills the output fields.")


def build_declarative(context: NodeContext, earlier: Earlier) -> Contribution:
    return Contribution(runs={op.name: run_body(context, op) for op in context.spec.operations if op.http is not None})

"""Tests of the operations that call a declared HTTP endpoint, against a real HTTP
stand-in: the request sent (method, filled path, query or JSON body, correlation id,
idempotency key on POST/PATCH), the answer's declared fields kept, and each failure
class with its code and context (404 NOT_FOUND and 503 SERVICE_UNAVAILABLE with
their status, retried as declared; an answer that is no JSON object; a refused
connection)."""

from __future__ import annotations

import re
from collections.abc import Callable

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.declarative.testgen.common import Statements, TestModule, json_sample, samples, text_of
from codegen_ast.patterns.http.endpoints import BODY_METHODS
from codegen_ast.spec import OperationSpec

STAND_IN = "onex_support.testing.http_stand_in"
FIRST = b.subscript("sent", b.literal(0))
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class HttpTests:
    def __init__(self, module: TestModule, after: Callable[[str], Statements],
                 after_failure: Callable[[str], tuple[Statements, Statements]]) -> None:
        self.module = module
        self.after = after
        self.after_failure = after_failure
        self.inputs = list(module.spec.input_fields)

    def _text(self, name: str) -> str | None:
        index = next(i for i, f in enumerate(self.inputs) if f.name == name)
        return text_of(self.inputs[index].type, 1, index, name)

    def filled(self, operation: OperationSpec) -> str | None:
        """The path the first sample request calls, when every placeholder's text is plain."""
        assert operation.http is not None
        path = operation.http.path
        for name in operation.http.placeholders:
            text = self._text(name)
            if text is None or not re.fullmatch(r"[A-Za-z0-9_.~-]*", text):
                return None
            path = path.replace("{" + name + "}", text)
        return path

    def answer_parts(self) -> tuple[dict[str, cst.BaseExpression], dict[str, cst.BaseExpression]] | None:
        """The scripted JSON answer and the typed fields it makes (None when a required
        output field has no plain JSON sample)."""
        sent: dict[str, cst.BaseExpression] = {}
        typed: dict[str, cst.BaseExpression] = {}
        for index, field in enumerate(self.module.spec.output_fields):
            pair = json_sample(field.type, 5, index, field.name, self.module.imports)
            if pair is None:
                if field.required and not field.type.optional:
                    return None
                continue
            sent[field.name], typed[field.name] = pair
        return sent, typed

    def build(self, operation: OperationSpec) -> None:
        call = operation.http
        assert call is not None
        m = self.module
        m.imports.add(STAND_IN, "Answer")
        name = operation.name
        path = self.filled(operation)
        prefix = f"{call.method} {path if path is not None else call.path.split('{', 1)[0]}"
        parts = self.answer_parts() if m.spec.output_fields else ({}, {})
        request = m.request(name, **samples(self.inputs, 1, m.imports))
        body: Statements = []
        if parts is not None:
            scripted, typed = parts
            body.append(b.do(b.call("http_api.script", b.string_literal(prefix), b.call(
                "Answer", body=b.dict_({**scripted, "undeclared": b.name("True")})))))
        body += [b.assign("request", request), b.assign("answer", m.call(name, "request"))]
        if parts is not None:
            body.append(m.same("answer", m.answer(
                operation=b.string_literal(m.spec.routed(name)), correlation_id="request.correlation_id", **parts[1])))
        body += [
            b.assign("sent", b.call("http_api.calls")),
            b.assert_(b.compare(b.list_comp(b.tuple_("each.method", "each.route"), "each", "sent"), "==", b.list_(
                b.tuple_(b.string_literal(call.method), b.string_literal(path) if path is not None else b.attr(FIRST, "route"))))),
            b.assert_(b.compare(b.call(b.attr(FIRST, "header"), b.string_literal("X-Correlation-ID")), "==",
                                b.call("str", "request.correlation_id"))),
        ]
        body += self.sent_fields(operation)
        if call.method not in IDEMPOTENT:
            body.append(b.assert_(b.compare(b.call(b.attr(FIRST, "header"), b.string_literal("Idempotency-Key")), "!=",
                                            b.string_literal(""))))
        body += self.after(name)
        m.test(f"test_{name}_calls_its_endpoint", ["http_api", "bus"], body,
               f"{name}: {call.method} {call.path} with the request's fields; the answer's declared fields kept.")
        self.failures(operation, prefix)

    def sent_fields(self, operation: OperationSpec) -> Statements:
        """The fields that are not in the path: the JSON body, or the query."""
        call = operation.http
        assert call is not None
        m = self.module
        sent = [(i, f) for i, f in enumerate(self.inputs) if f.name not in call.placeholders]
        if not sent:
            return []
        if call.method in BODY_METHODS:
            pairs = {f.name: json_sample(f.type, 1, i, f.name, m.imports) for i, f in sent}
            if all(pair is not None for pair in pairs.values()):
                expected = b.dict_({key: pair[0] for key, pair in pairs.items() if pair is not None})
                return [b.assert_(b.compare(b.call(b.attr(FIRST, "json")), "==", expected))]
            return [b.assert_(b.compare(b.call("set", b.call(b.attr(FIRST, "json"))), "==",
                                        b.set_(*(b.string_literal(f.name) for _, f in sent))))]
        texts = {f.name: text_of(f.type, 1, i, f.name) for i, f in sent}
        if all(text is not None for text in texts.values()):
            return [b.assert_(b.compare(b.call(b.attr(FIRST, "query")), "==",
                                        b.dict_({key: b.string_literal(text) for key, text in texts.items() if text})))]
        return [b.assert_(b.compare(b.call("set", b.call(b.attr(FIRST, "query"))), "==",
                                    b.set_(*(b.string_literal(f.name) for _, f in sent))))]

    def failures(self, operation: OperationSpec, prefix: str) -> None:
        call = operation.http
        assert call is not None
        m = self.module
        name = operation.name
        request = b.assign("request", m.request(name, **samples(self.inputs, 1, m.imports)))
        sent_count = b.call("len", b.call("http_api.calls"))
        before, after = self.after_failure(name)
        body: Statements = [
            *before,
            b.do(b.call("http_api.script", b.string_literal(prefix), b.call("Answer", status=b.literal(404)))),
            request,
            *m.fails("NOT_FOUND", b.do(m.call(name, "request")), m.context_is("status_code", b.literal(404))),
            b.assert_(b.compare(sent_count, "==", b.literal(1))),
            *after,
            b.do(b.call("http_api.reset")),
            b.with_leading_comment(
                b.do(b.call("http_api.script", b.string_literal(prefix), b.call("Answer", status=b.literal(503)))),
                f"an unavailable service: tried {call.attempts} time(s) in all, as declared",
            ),
            *m.fails("SERVICE_UNAVAILABLE", b.do(m.call(name, "request")), m.context_is("status_code", b.literal(503))),
            b.assert_(b.compare(sent_count, "==", b.literal(call.attempts))),
        ]
        if m.spec.output_fields:
            body += [
                b.do(b.call("http_api.reset")),
                b.do(b.call("http_api.script", b.string_literal(prefix),
                            b.call("Answer", body=b.list_(b.literal(1), b.literal(2))))),
                *m.fails("CONTRACT_VIOLATION", b.do(m.call(name, "request")),
                         m.context_is("route", b.string_literal(call.path))),
            ]
        m.test(f"test_{name}_maps_each_failure", ["http_api", "bus"], body,
               f"{name}: 404 is NOT_FOUND, 503 SERVICE_UNAVAILABLE (status kept, retried as declared), "
               "an answer that is no JSON object a CONTRACT_VIOLATION naming the route.")

    def refused(self, operation: OperationSpec) -> None:
        m = self.module
        m.refused("HTTP_BASE_URL", "refused_url", m.request(operation.name, **samples(self.inputs, 1, m.imports)),
                  operation.name, "NETWORK_ERROR", [m.context_is("retryable", "True")],
                  "test_an_api_that_refuses_connections_is_a_retryable_network_error",
                  "No server at HTTP_BASE_URL: NETWORK_ERROR, retryable.")

"""The generated package's own tests for operations that call an endpoint.

They need no server: a stand-in of the HTTP service (an ``httpx.MockTransport``,
named a stand-in in the test) is given to the node as its client; it records
every request and answers with sample values of the output fields. The tests
check the request (method, path prefix, X-Correlation-ID) and that the answer
reaches the typed output.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.files.values import plain_value_of, value_imports, value_of
from codegen_ast.patterns.contribution import NodeContext

Statements = list[cst.BaseStatement]
STAND_IN = "StandInHttpEndpoint"
_ASYNC = "pytest.mark.asyncio"


def calls_endpoint(context: NodeContext, operation: str) -> bool:
    return any(op.name == operation and op.http is not None for op in context.spec.operations)


def _samples(context: NodeContext, imports: b.ImportSet, *, answer: bool = False) -> dict[str, b.ExprLike]:
    """Sample output fields: as the output holds them, or (``answer``) as the service answers them:
    a secret as plain JSON text (to_jsonable_python would mask a SecretStr)."""
    samples: dict[str, b.ExprLike] = {}
    for field in context.spec.output_fields:
        samples[field.name] = plain_value_of(field.type) if answer and field.secret else value_of(field.type, sample=True)
        for module, item in value_imports(field.type, sample=True):
            imports.add(module, item)
    return samples


def stand_in(context: NodeContext, imports: b.ImportSet) -> Statements:
    """The sample answer and the stand-in class (module level of the test file)."""
    if not context.spec.http_operations:
        return []
    imports.add("httpx").add("typing", "Self").add("pydantic_core", "to_jsonable_python")
    answer = b.assign("STAND_IN_ANSWER", b.dict_(_samples(context, imports, answer=True)), b.annotation("dict[str, object]"))
    service = stand_in_class(
        context,
        STAND_IN,
        "STAND_IN_ANSWER",
        failing=False,
        doc=(
            "In-process stand-in for the HTTP service the node calls (an httpx.MockTransport): "
            "records each request and answers with sample output fields."
        ),
    )
    return [answer, service]


def stand_in_class(context: NodeContext, name: str, answer: str, *, failing: bool, doc: str) -> cst.ClassDef:
    """A stand-in HTTP service (an httpx.MockTransport) that records each request
    and answers 200 with the constant ``answer``; when ``failing``, the request
    named by ``fail`` ('METHOD /path') gets a 500."""
    requests = b.annotation("list[httpx.Request]")
    fail = [Param("fail", "str", b.string_literal(""))] if failing else []
    response = b.call("httpx.Response", "status" if failing else b.literal(200), json=b.call("to_jsonable_python", answer))
    sent = b.formatted_string(b.dotted("request.method"), " ", b.dotted("request.url.path"))
    status = [b.assign("status", b.if_exp(b.compare(sent, "==", "self.fail"), b.literal(500), b.literal(200)))]
    return b.class_(
        name,
        [],
        [
            b.method(
                "__init__",
                fail,
                [*([b.assign("self.fail", "fail")] if failing else []), b.assign("self.requests", b.list_(), requests)],
                returns="None",
            ),
            b.method(
                "answer",
                [Param("request", "httpx.Request")],
                [b.do(b.call("self.requests.append", "request")), *(status if failing else []), b.return_(response)],
                returns="httpx.Response",
                doc=(
                    "Record the request; answer 200 with the sample answer, or 500 to the request to fail."
                    if failing
                    else "Record the request; answer 200 with the sample output fields as JSON."
                ),
            ),
            b.function(
                "attach",
                [Param("cls"), Param("node", context.spec.class_name), *fail],
                [
                    b.assign("service", b.call("cls", *(["fail"] if failing else []))),
                    b.assign(
                        "node._http",
                        b.call(
                            "httpx.AsyncClient",
                            base_url=b.string_literal("http://stand-in.test"),
                            transport=b.call("httpx.MockTransport", "service.answer"),
                        ),
                    ),
                    b.return_("service"),
                ],
                returns="Self",
                decorators=["classmethod"],
                doc="Give ``node`` an HTTP client whose requests this stand-in answers (in place of initialize()).",
            ),
        ],
        doc=doc,
    )


def attach(context: NodeContext, operation: str) -> Statements:
    """``StandInHttpService.attach(node)`` when ``operation`` calls an endpoint."""
    if not calls_endpoint(context, operation):
        return []
    return [b.do(b.call(f"{STAND_IN}.attach", "node"))]


def endpoint_test(context: NodeContext, operation: str, request: cst.Call, imports: b.ImportSet) -> cst.FunctionDef:
    """The operation sends its request to its endpoint and answers with the typed output."""
    call = next(op.http for op in context.spec.operations if op.name == operation and op.http is not None)
    prefix = call.path.split("{", 1)[0]
    sent = b.subscript("service.requests", b.literal(0))
    checks: Statements = [
        b.assert_(b.compare(b.dotted(f"output.{name}"), "==", value))
        for name, value in _samples(context, imports).items()
    ]
    body: Statements = [
        b.assign("service", b.call(f"{STAND_IN}.attach", "node")),
        b.assign("request", request),
        b.assign("output", b.await_(b.call("node.process", "request"))),
        b.assert_(b.call("isinstance", "output", context.output_model)),
        b.assert_(b.compare("output.correlation_id", "==", "request.correlation_id")),
        *checks,
        b.assert_(
            b.compare(b.list_comp("sent.method", "sent", "service.requests"), "==", b.list_(b.string_literal(call.method)))
        ),
        b.assert_(b.call(b.attr(b.attr(b.attr(sent, "url"), "path"), "startswith"), b.string_literal(prefix))),
        b.assert_(
            b.compare(
                b.subscript(b.attr(sent, "headers"), b.string_literal("X-Correlation-ID")),
                "==",
                b.call("str", "request.correlation_id"),
            )
        ),
    ]
    return b.function(
        f"test_{operation}_calls_its_endpoint",
        [Param("node", context.spec.class_name)],
        body,
        returns="None",
        is_async=True,
        decorators=[_ASYNC],
    )

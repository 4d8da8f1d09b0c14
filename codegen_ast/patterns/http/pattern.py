"""The records of the HTTP feature: declared endpoints, and the circuit breaker that guards http_call."""

from __future__ import annotations

from codegen_ast import builders as b
from codegen_ast.decisions import Selection
from codegen_ast.files.values import sample_request
from codegen_ast.patterns.http import declarative as http_declarative
from codegen_ast.patterns.contribution import Contribution, GeneratedTests, NodeContext
from codegen_ast.patterns.http import tests as endpoint_tests
from codegen_ast.patterns.http.circuit_breaker import build_circuit_breaker
from codegen_ast.patterns.http.endpoints import build_endpoint_modules, build_http_handler
from codegen_ast.patterns.record import Earlier, Example, Pattern, PatternName
from codegen_ast.spec import NodeSpec


def _breaker_applies(spec: NodeSpec, selection: Selection) -> str | None:
    if "circuit_breaker" in spec.features and "http" in selection.integrations:
        return "circuit_breaker feature: http_call behind the framework's ModelCircuitBreaker"
    return None


def _breaker_declines(spec: NodeSpec, selection: Selection) -> str | None:
    if "circuit_breaker" in spec.features:
        return "skipped: the circuit breaker guards HTTP calls, and this node calls no HTTP service"
    return None


def _build_breaker(context: NodeContext, earlier: Earlier) -> Contribution:
    return build_circuit_breaker(context)


CIRCUIT_BREAKER = Pattern(
    name=PatternName.CIRCUIT_BREAKER,
    summary="http_call behind the framework's ModelCircuitBreaker.",
    applies=_breaker_applies,
    declines=_breaker_declines,
    build=_build_breaker,
    example=Example(
        before="answer = await self.http_call(...)  # waits for a service that is down, every time",
        after="if not self._http_circuit.should_allow_request():\n    raise ModelOnexError(..., EnumCoreErrorCode.SERVICE_UNAVAILABLE)",
    ),
    tests=("tests/test_circuit_breaker.py",),
)


def _endpoints_apply(spec: NodeSpec, selection: Selection) -> str | None:
    if spec.http_operations:
        return f"{len(spec.http_operations)} operation(s) declare an endpoint"
    return None


def _build_endpoints(context: NodeContext, earlier: Earlier) -> Contribution:
    imports = b.ImportSet()
    calling = [operation for operation in context.spec.operations if operation.http is not None]
    tests = GeneratedTests(
        imports=imports,
        support=endpoint_tests.stand_in(context, imports),
        operations={
            operation.name: [
                endpoint_tests.endpoint_test(
                    context, operation.name, sample_request(context, operation.name, imports), imports
                )
            ]
            for operation in calling
        },
        arrange={operation.name: endpoint_tests.attach(context, operation.name) for operation in calling},
    )
    return Contribution(
        handlers={operation.name: build_http_handler(context, operation) for operation in calling},
        modules=build_endpoint_modules(context),
        tests=tests,
    )


HTTP_ENDPOINTS = Pattern(
    name=PatternName.HTTP_ENDPOINTS,
    summary="one handler per declared endpoint (http: {method, path}), calling it through the node's http_call.",
    applies=_endpoints_apply,
    build=_build_endpoints,
    example=Example(
        before="operations:\n  - name: get_order\n    http: {method: GET, path: /orders/{order_id}}",
        after=(
            "answer = await self._node.http_call(\n"
            "    \"GET\", f\"/orders/{path_segment(request.order_id)}\", timeout_s=10.0, attempts=3,\n"
            "    correlation_id=request.correlation_id,\n)"
        ),
    ),
    tests=("tests/test_http_endpoints.py",),
    declarative=http_declarative.build_declarative,
)

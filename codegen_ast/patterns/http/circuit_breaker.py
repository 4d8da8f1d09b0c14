"""circuit_breaker: ``http_call`` behind the framework's ModelCircuitBreaker.

With the ``circuit_breaker`` feature, the node's HTTP sender becomes
``_http_send`` and ``http_call`` guards it: while the circuit is open a call
fails at once with ``SERVICE_UNAVAILABLE`` (counted in ``circuit_rejections``)
instead of waiting for a service that is down; after ``HTTP_CIRCUIT_RESET_S``
a few trial calls decide whether it closes again. A call counts as a failure
when it ends in a timeout, a transport error or a 5xx answer (after its
retries); a 4xx answer shows the service is up and counts as a success. The
health check reports DEGRADED while the circuit is open.

Configuration from the environment: ``HTTP_CIRCUIT_FAILURES`` (5 failures open
the circuit), ``HTTP_CIRCUIT_RESET_S`` (30, at least 10: the framework's floor).
"""

from __future__ import annotations

import libcst as cst

from codegen_ast.patterns import idioms
from codegen_ast import builders as b
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.idioms import Setting, setting, setting_constants
from codegen_ast.patterns.integrations.http import SEND, guards_http, http_call_params
from codegen_ast.patterns.core.metrics import metric_constant
from codegen_ast.target import CIRCUIT_BREAKER, ERROR_CODE, HEALTH_ISSUE, ONEX_ERROR

CIRCUIT = "self._http_circuit"
CHECK = "_check_http_circuit_health"
HEALTHY_BEFORE_START = frozenset({CHECK})  # a closed circuit is healthy before any call
REJECTIONS = "circuit_rejections"
SETTINGS = (Setting("HTTP_CIRCUIT_FAILURES", "5"), Setting("HTTP_CIRCUIT_RESET_S", "30"))
# the codes http_call gives a call the service failed (not the caller)
FAILURE_CODES = ("TIMEOUT", "NETWORK_ERROR", "SERVICE_UNAVAILABLE", "DEPENDENCY_UNAVAILABLE", "OPERATION_FAILED")


def _breaker() -> cst.Call:
    failures = b.call("int", setting("HTTP_CIRCUIT_FAILURES"))
    return b.call(
        "ModelCircuitBreaker",
        failure_threshold=failures,
        minimum_request_threshold=failures,
        success_threshold=b.literal(1),
        timeout_seconds=b.call("max", b.literal(10), b.call("int", setting("HTTP_CIRCUIT_RESET_S"))),
    )


def _http_call() -> cst.FunctionDef:
    params = http_call_params()
    open_circuit = b.raise_(
        b.call(
            ONEX_ERROR.name,
            message=b.formatted_string(
                b.name("method"), " ", b.if_exp(b.compare("route", "is", "None"), "path", "route"),
                ": the http circuit is open after repeated failures; calls resume after ",
                b.dotted(f"{CIRCUIT}.timeout_seconds"), " s",
            ),
            error_code=f"{ERROR_CODE.name}.SERVICE_UNAVAILABLE",
            correlation_id="correlation_id",
            method="method",
        )
    )
    send = b.call(
        f"self.{SEND}",
        "method",
        "path",
        json="json",
        params="params",
        timeout_s="timeout_s",
        attempts="attempts",
        correlation_id="correlation_id",
        route="route",
    )
    failed = b.compare("error.error_code", "in", "CIRCUIT_FAILURE_CODES")
    return b.method(
        "http_call",
        params,
        [
            b.if_(
                b.not_(b.call(f"{CIRCUIT}.should_allow_request")),
                [idioms.count(metric_constant(REJECTIONS)), open_circuit],
            ),
            b.try_(
                [b.assign("response", b.await_(send))],
                [
                    b.except_(
                        ONEX_ERROR.name,
                        [
                            b.if_(
                                failed,
                                [b.do(b.call(f"{CIRCUIT}.record_failure", "correlation_id"))],
                                [b.do(b.call(f"{CIRCUIT}.record_success"))],
                            ),
                            b.raise_(),
                        ],
                        as_name="error",
                    )
                ],
            ),
            b.do(b.call(f"{CIRCUIT}.record_success")),
            b.return_("response"),
        ],
        returns="httpx.Response",
        is_async=True,
        doc=(
            "Send through _http_send unless the circuit is open (then SERVICE_UNAVAILABLE at once); "
            "a timeout, transport error or 5xx counts against the circuit, any other answer for it."
        ),
    )


def _check() -> cst.FunctionDef:
    degraded = b.call(
        "ModelHealthStatus.create_degraded",
        issues=b.list_(
            idioms.health_issue(
                b.formatted_string("the http circuit is open after ", b.dotted(f"{CIRCUIT}.failure_count"), " failures"),
                "high",
            )
        ),
    )
    return b.method(
        CHECK,
        [],
        [
            b.if_(b.dotted(f"{CIRCUIT}.is_open"), [b.return_(degraded)]),
            b.return_(b.call("ModelHealthStatus.create_healthy", score=b.literal(1.0))),
        ],
        returns="ModelHealthStatus",
        doc="DEGRADED while the http circuit is open: calls are refused without reaching the service.",
    )


def build_circuit_breaker(context: NodeContext) -> Contribution:
    if not guards_http(context):
        return Contribution()
    codes = b.call("frozenset", b.set_(*(b.dotted(f"{ERROR_CODE.name}.{code}") for code in FAILURE_CODES)))
    return Contribution(
        imports={("os", ""), CIRCUIT_BREAKER, HEALTH_ISSUE, ("collections.abc", "Mapping"), ("uuid", "UUID"), ("httpx", "")},
        module_statements=[*setting_constants(SETTINGS), b.assign("CIRCUIT_FAILURE_CODES", codes)],
        init_statements=[b.assign(CIRCUIT, _breaker(), "ModelCircuitBreaker")],
        methods=[_http_call(), _check()],
        health_checks=[CHECK],
        counters=[REJECTIONS],
    )

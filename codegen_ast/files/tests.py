"""tests/test_node.py: the generated package's own tests."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.files.models import effect_type
from codegen_ast.files.values import value_imports, value_of
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.target import (
    CONTAINER,
    CONTRACT_MODELS,
    EFFECT_INPUT,
    EFFECT_TYPE,
    ERROR_CODE,
    EVENT_ENVELOPE,
    HEALTH_STATUS,
    HEALTH_VALUE,
    ONEX_ERROR,
)

_ASYNC = "pytest.mark.asyncio"


def _test(
    name: str, body: list[cst.BaseStatement], *, node: str | None, is_async: bool = False
) -> cst.FunctionDef:
    """A test function; ``node`` is the node class when it takes the fixture."""
    return b.function(
        name,
        [Param("node", node)] if node else [],
        body,
        returns="None",
        is_async=is_async,
        decorators=[_ASYNC] if is_async else [],
    )


def build_tests(context: NodeContext, dependency_checks: int) -> cst.Module:
    """The package's tests; ``dependency_checks`` counts the health checks
    beyond the self check (each reports DEGRADED before initialize())."""
    spec = context.spec
    node_class = spec.class_name
    contract = CONTRACT_MODELS[spec.node_type]
    imports = b.ImportSet().add("pathlib", "Path").add("typing", "cast").add("uuid", "uuid4").add("pytest")
    for symbol in (CONTAINER, contract, EFFECT_INPUT, EFFECT_TYPE, ERROR_CODE, EVENT_ENVELOPE, HEALTH_STATUS, HEALTH_VALUE, ONEX_ERROR):
        imports.add(symbol.module, symbol.name)
    imports.add("omnibase_core.protocols.event_bus", "ProtocolEventBus")
    imports.add("omnibase_core.models.core.model_onex_event", "ModelOnexEvent")
    imports.add(f"..models.model_{spec.name}_input", context.input_model)
    imports.add(f"..models.model_{spec.name}_output", context.output_model)
    imports.add("..node", node_class).add("..node", "SUPPORTED_OPERATIONS")

    samples: dict[str, b.ExprLike] = {}
    for field in spec.input_fields:
        samples[field.name] = value_of(field.type, sample=True)
        for module, item in value_imports(field.type, sample=True):
            imports.add(module, item)

    def request(operation: str) -> cst.Call:
        return b.call(context.input_model, operation=b.string_literal(operation), **samples)

    first = context.operations[0]
    tests: list[cst.BaseStatement] = [
        b.assign(
            "CONTRACT_PATH",
            b.binop(
                b.attr(b.attr(b.call(b.attr(b.call("Path", "__file__"), "resolve")), "parent"), "parent"),
                "/",
                b.string_literal("contract.yaml"),
            ),
        ),
        b.function(
            "node",
            [],
            [b.return_(b.call(node_class, b.call(CONTAINER.name)))],
            returns=node_class,
            decorators=["pytest.fixture"],
        ),
    ]
    for operation in context.operations:
        tests.append(
            _test(
                f"test_{operation}_returns_typed_output",
                [
                    b.assign("request", request(operation)),
                    b.assign("output", b.await_(b.call("node.process", "request"))),
                    b.assert_(b.call("isinstance", "output", context.output_model)),
                    b.assert_(b.compare("output.correlation_id", "==", "request.correlation_id")),
                    b.assert_(b.compare("output.operation_id", "==", "request.operation_id")),
                    b.assert_(b.compare("output.processing_time_ms", ">", b.literal(0.0))),
                ],
                node=node_class,
                is_async=True,
            )
        )
    operation_data = b.dict_({"operation": b.string_literal(first), **samples})
    tests += [
        _test(
            "test_plain_effect_input_is_routed",
            [
                b.assign(
                    "request",
                    b.call(
                        EFFECT_INPUT.name,
                        effect_type=f"EnumEffectType.{effect_type(spec)}",
                        operation_data=operation_data,
                    ),
                ),
                b.assign("output", b.await_(b.call("node.process", "request"))),
                b.assert_(b.call("isinstance", "output", context.output_model)),
                b.assert_(b.compare("output.operation_id", "==", "request.operation_id")),
            ],
            node=node_class,
                is_async=True,
        ),
        _test(
            "test_invalid_input_raises_validation_error",
            [
                b.assign(
                    "request",
                    b.call(
                        EFFECT_INPUT.name,
                        effect_type=f"EnumEffectType.{effect_type(spec)}",
                        operation_data=b.dict_({"operation": b.string_literal("no_such_operation")}),
                    ),
                ),
                b.with_(
                    [(b.call("pytest.raises", ONEX_ERROR.name), "caught")],
                    [b.do(b.await_(b.call("node.process", "request")))],
                ),
                b.assert_(b.compare("caught.value.error_code", "==", "EnumCoreErrorCode.VALIDATION_ERROR")),
            ],
            node=node_class,
                is_async=True,
        ),
        _test(
            "test_health_checks_report_status",
            [
                b.assign("statuses", b.list_(), b.annotation("list[ModelHealthStatus]")),
                b.for_(
                    "check",
                    b.call("node.get_health_checks"),
                    [
                        b.assign("outcome", b.call("check")),
                        b.do(
                            b.call(
                                "statuses.append",
                                b.if_exp(
                                    b.call("isinstance", "outcome", HEALTH_STATUS.name),
                                    "outcome",
                                    b.await_("outcome"),
                                ),
                            )
                        ),
                    ],
                ),
                b.with_leading_comment(
                    b.assert_(
                        b.compare(
                            b.list_comp("status.status", "status", "statuses"),
                            "==",
                            b.list_(
                                "EnumHealthStatusValue.HEALTHY",
                                *(["EnumHealthStatusValue.DEGRADED"] * dependency_checks),
                            ),
                        )
                    ),
                    "before initialize() the node is healthy and its clients are not started yet",
                ),
            ],
            node=node_class,
            is_async=True,
        ),
        _test(
            "test_metrics_count_operations",
            [
                b.do(b.await_(b.call("node.process", request(first)))),
                b.assign("metrics", b.call("node.get_operation_metrics")),
                b.assert_(b.compare(b.subscript("metrics", b.string_literal("operations")), "==", b.literal(1))),
                b.assert_(b.compare(b.subscript("metrics", b.string_literal("successes")), "==", b.literal(1))),
                b.assert_(b.compare(b.subscript("metrics", b.string_literal("failures")), "==", b.literal(0))),
                b.assert_(b.compare(b.subscript("metrics", b.string_literal("duration_ms_total")), ">", b.literal(0.0))),
            ],
            node=node_class,
                is_async=True,
        ),
        b.class_(
            "RecordingEventBus",
            [],
            [
                b.method(
                    "__init__",
                    [],
                    [b.assign("self.envelopes", b.list_(), b.annotation("list[ModelEventEnvelope[ModelOnexEvent]]"))],
                    returns="None",
                ),
                b.method(
                    "publish_async",
                    [Param("envelope", b.annotation("ModelEventEnvelope[ModelOnexEvent]"))],
                    [b.do(b.call("self.envelopes.append", "envelope"))],
                    returns="None",
                    is_async=True,
                ),
            ],
            doc="In-process stand-in for an event bus: records the envelopes it is given.",
        ),
        _test(
            "test_publish_event_delivers_without_error",
            [
                b.assign("bus", b.call("RecordingEventBus")),
                b.do(b.call("node.bind_event_bus", b.call("cast", "ProtocolEventBus", "bus"))),
                b.assign("correlation_id", b.call("uuid4")),
                b.do(
                    b.await_(
                        b.call(
                            "node.publish_event",
                            b.string_literal(f"{spec.name}.test_event"),
                            correlation_id="correlation_id",
                        )
                    )
                ),
                b.assert_(b.compare(b.call("len", "bus.envelopes"), "==", b.literal(1))),
                b.assert_(b.compare(b.attr(b.attr(b.subscript("bus.envelopes", b.literal(0)), "payload"), "correlation_id"), "==", "correlation_id")),
            ],
            node=node_class,
                is_async=True,
        ),
        _test(
            "test_contract_loads_with_the_framework_model",
            [
                b.assign(
                    "contract",
                    b.call(f"{contract.name}.from_yaml", b.call("CONTRACT_PATH.read_text", encoding=b.string_literal("utf-8"))),
                ),
                b.assert_(b.compare("contract.handler_routing", "is not", "None")),
                b.assert_(
                    b.compare(
                        b.call(
                            "tuple",
                            cst.GeneratorExp(
                                b.attr("entry", "operation"),
                                cst.CompFor(target=b.name("entry"), iter=b.attr("contract.handler_routing", "handlers")),
                            ),
                        ),
                        "==",
                        "SUPPORTED_OPERATIONS",
                    )
                ),
            ],
            node=None,
        ),
    ]
    body = [*imports.statements(), *tests]
    return b.module(body, doc=f"Tests of {node_class}, generated with the node by codegen-ast.")

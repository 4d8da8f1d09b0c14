"""tests/test_node.py: the generated package's own tests."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.files.models import effect_type
from codegen_ast.files.values import plain_value_of, value_imports, value_of
from codegen_ast.patterns.http.circuit_breaker import HEALTHY_BEFORE_START
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.spec import StateMachineSpec
from codegen_ast.target import (
    CONTAINER,
    EFFECT_TYPE,
    ERROR_CODE,
    EVENT_BUS,
    EVENT_ENVELOPE,
    HEALTH_STATUS,
    HEALTH_VALUE,
    ONEX_ERROR,
    ONEX_EVENT,
    ORCHESTRATOR_METADATA,
    REDUCER_METADATA,
    REDUCTION_TYPE,
    SERIALIZED_DICT,
    YAML_MAPPING_LOADER,
    YAML_MODEL_LOADER,
)

_ASYNC = "pytest.mark.asyncio"
Statements = list[cst.BaseStatement]


def _test(name: str, body: Statements, *, node: str | None, is_async: bool = False) -> cst.FunctionDef:
    """A test function; ``node`` is the node class when it takes the fixture."""
    return b.function(
        name,
        [Param("node", node)] if node else [],
        body,
        returns="None",
        is_async=is_async,
        decorators=[_ASYNC] if is_async else [],
    )


def _metric(name: str, operator: str, value: float) -> cst.BaseStatement:
    return b.assert_(b.compare(b.subscript("metrics", b.string_literal(name)), operator, b.literal(value)))


def _plain_input(
    context: NodeContext, operation: str, samples: dict[str, b.ExprLike], imports: b.ImportSet
) -> Statements | None:
    """Statements that build ``request``, a plain framework input for
    ``operation``; None when the node type cannot carry the fields that way."""
    kind = context.kind
    base = kind.input_model.name
    imports.add(*kind.input_model)
    plain = {field.name: plain_value_of(field.type) for field in context.spec.input_fields if field.name in samples}
    routed = b.string_literal(context.spec.routed(operation))  # the operation as the contract wrote it
    data = b.dict_({**({"operation": routed} if kind.performs_io else {}), **plain})
    if kind.performs_io:
        imports.add(EFFECT_TYPE.module, EFFECT_TYPE.name)
        effect = f"EnumEffectType.{effect_type(context.spec)}"
        return [b.assign("request", b.call(base, effect_type=effect, operation_data=data))]
    if kind.computes:
        imports.add(SERIALIZED_DICT.module, SERIALIZED_DICT.name)
        return [
            b.assign("data", data, SERIALIZED_DICT.name),
            b.assign(
                "request",
                b.call(b.subscript(base, SERIALIZED_DICT.name), data="data", computation_type=routed),
            ),
        ]
    if kind.keeps_state:
        imports.add(SERIALIZED_DICT.module, SERIALIZED_DICT.name)
        imports.add(REDUCTION_TYPE.module, REDUCTION_TYPE.name).add(REDUCER_METADATA.module, REDUCER_METADATA.name)
        return [
            b.assign("data", b.list_(data), b.subscript("list", SERIALIZED_DICT.name)),
            b.assign(
                "request",
                b.call(
                    b.subscript(base, SERIALIZED_DICT.name),
                    data="data",
                    reduction_type="EnumReductionType.FOLD",
                    metadata=b.call(REDUCER_METADATA.name, trigger=routed),
                ),
            ),
        ]
    if samples and any(field.required and not field.type.optional for field in context.spec.input_fields):
        return None  # a plain orchestrator input has no room for the fields
    imports.add(ORCHESTRATOR_METADATA.module, ORCHESTRATOR_METADATA.name)
    return [
        b.assign(
            "request",
            b.call(
                base,
                workflow_id=b.call("uuid4"),
                steps=b.list_(),
                metadata=b.call(ORCHESTRATOR_METADATA.name, trigger=routed),
            ),
        )
    ]


def _contract_load(context: NodeContext, imports: b.ImportSet) -> cst.BaseExpression:
    contract = context.kind.contract_model
    imports.add(contract.module, contract.name)
    if context.kind.runs_workflow:
        # ModelContractOrchestrator has no from_yaml
        imports.add(*YAML_MODEL_LOADER)
        return b.call(YAML_MODEL_LOADER.name, "CONTRACT_PATH", contract.name)
    return b.call(f"{contract.name}.from_yaml", b.call("CONTRACT_PATH.read_text", encoding=b.string_literal("utf-8")))


def _event_bus_tests(context: NodeContext, node_class: str, imports: b.ImportSet) -> Statements:
    imports.add("typing", "cast")
    imports.add(*EVENT_BUS)
    imports.add(*ONEX_EVENT)
    imports.add(*EVENT_ENVELOPE)
    envelopes = b.annotation("list[ModelEventEnvelope[ModelOnexEvent]]")
    bus = b.class_(
        "RecordingEventBus",
        [],
        [
            b.method("__init__", [], [b.assign("self.envelopes", b.list_(), envelopes)], returns="None"),
            b.method(
                "publish_async",
                [Param("envelope", b.annotation("ModelEventEnvelope[ModelOnexEvent]"))],
                [b.do(b.call("self.envelopes.append", "envelope"))],
                returns="None",
                is_async=True,
            ),
        ],
        doc="In-process stand-in for an event bus: records the envelopes it is given.",
    )
    first_payload = b.attr(b.subscript("bus.envelopes", b.literal(0)), "payload")
    test = _test(
        "test_publish_event_delivers_without_error",
        [
            b.assign("bus", b.call("RecordingEventBus")),
            b.do(b.call("node.bind_event_bus", b.call("cast", "ProtocolEventBus", "bus"))),
            b.assign("correlation_id", b.call("uuid4")),
            b.do(
                b.await_(
                    b.call(
                        "node.publish_event",
                        b.string_literal(f"{context.spec.name}.test_event"),
                        correlation_id="correlation_id",
                    )
                )
            ),
            b.assert_(b.compare(b.call("len", "bus.envelopes"), "==", b.literal(1))),
            b.assert_(b.compare(b.attr(first_payload, "correlation_id"), "==", "correlation_id")),
        ],
        node=node_class,
        is_async=True,
    )
    return [bus, test]


def trigger_paths(machine: StateMachineSpec) -> dict[str, tuple[list[str], str]]:
    """For each state, the shortest trigger path from the initial state, and for
    each trigger: the path that makes it allowed and the state it leads to."""
    reach: dict[str, list[str]] = {machine.initial_state: []}
    frontier = [machine.initial_state]
    while frontier:
        state = frontier.pop(0)
        for t in machine.transitions:
            if t.source == state and t.target not in reach:
                reach[t.target] = [*reach[state], t.trigger]
                frontier.append(t.target)
    found: dict[str, tuple[list[str], str]] = {}
    for t in sorted(machine.transitions, key=lambda t: len(reach.get(t.source, [])) if t.source in reach else 1 << 30):
        if t.source in reach and t.trigger not in found:
            found[t.trigger] = (reach[t.source], t.target)
    return found


def _refused(machine: StateMachineSpec) -> str | None:
    """A trigger the initial state does not allow, if any."""
    allowed = {t.trigger for t in machine.transitions if t.source == machine.initial_state}
    return next((trigger for trigger in machine.triggers if trigger not in allowed), None)


def build_tests(context: NodeContext, dependency_checks: list[str], contributions: Sequence[Contribution]) -> cst.Module:
    """The package's tests; ``dependency_checks`` names the health checks
    beyond the self check (a client's reports DEGRADED before initialize(),
    a closed circuit HEALTHY); the patterns' ``contributions`` bring their
    stand-ins, the tests of the operations they carry out, and their own tests."""
    spec = context.spec
    node_class = spec.class_name
    orchestrator = context.kind.runs_workflow
    imports = b.ImportSet().add("pathlib", "Path").add("uuid", "uuid4").add("pytest")
    for symbol in (CONTAINER, ERROR_CODE, HEALTH_STATUS, HEALTH_VALUE, ONEX_ERROR):
        imports.add(symbol.module, symbol.name)
    imports.add(f"..models.{spec.input_model_file}", context.input_model)
    imports.add(f"..models.{spec.output_model_file}", context.output_model)
    imports.add("..node", node_class).add("..node", "SUPPORTED_OPERATIONS")
    owned: dict[str, Statements] = {}
    arrange: dict[str, Statements] = {}
    for contribution in contributions:
        imports.merge(contribution.tests.imports)
        for operation, operation_tests in contribution.tests.operations.items():
            owned.setdefault(operation, operation_tests)
        for operation, statements in contribution.tests.arrange.items():
            arrange.setdefault(operation, []).extend(statements)

    samples: dict[str, b.ExprLike] = {}
    for field in spec.input_fields:
        samples[field.name] = value_of(field.type, sample=True)
        for module, item in value_imports(field.type, sample=True):
            imports.add(module, item)

    def request(operation: str) -> cst.Call:
        if samples:  # built once, in sample_request: a test per operation stays a few lines
            return b.call("sample_request", b.string_literal(spec.routed(operation)))
        return b.call(context.input_model, operation=b.string_literal(spec.routed(operation)))

    first = context.operations[0]
    here = b.call(b.attr(b.call("Path", "__file__"), "resolve"))
    tests: Statements = [
        b.assign("CONTRACT_PATH", b.binop(b.attr(b.attr(here, "parent"), "parent"), "/", b.string_literal("contract.yaml"))),
        b.function(
            "node",
            [],
            [b.return_(b.call(node_class, b.call(CONTAINER.name)))],
            returns=node_class,
            decorators=["pytest.fixture"],
        ),
        *(statement for contribution in contributions for statement in contribution.tests.support),
    ]
    if samples:
        imports.add("typing", "Literal")
        tests.insert(
            2,
            b.function(
                "sample_request",
                [
                    Param(
                        "operation",
                        b.subscript("Literal", *(b.string_literal(op.routed) for op in spec.effective_operations)),
                    )
                ],
                [
                    b.docstring_statement("A request for ``operation`` with a sample value in every input field."),
                    b.return_(b.call(context.input_model, operation="operation", **samples)),
                ],
                returns=context.input_model,
            ),
        )
    database = spec.database is not None
    machine = spec.state_machine
    paths = trigger_paths(machine) if machine is not None else {}
    if machine is not None:
        first = next(iter(paths), first)
    for operation in context.operations:
        if operation in owned:  # a pattern carries the operation out, and tests it
            tests += owned[operation]
            continue
        if machine is not None:
            if operation not in paths:
                continue  # no declared path reaches a state that allows it
            before, target = paths[operation]
            tests.append(
                _test(
                    f"test_{operation}_moves_the_state_machine",
                    [
                        *(b.do(b.await_(b.call("node.process", request(step)))) for step in before),
                        b.assign("request", request(operation)),
                        b.assign("output", b.await_(b.call("node.process", "request"))),
                        b.assert_(b.call("isinstance", "output", context.output_model)),
                        b.assert_(b.compare("output.state", "==", b.string_literal(target))),
                        b.assert_(b.compare("output.correlation_id", "==", "request.correlation_id")),
                    ],
                    node=node_class,
                    is_async=True,
                )
            )
            continue
        finished = (
            [b.assert_(b.compare("output.execution_status", "==", b.string_literal("completed")))]
            if orchestrator
            else [
                b.assert_(b.compare("output.operation_id", "==", "request.operation_id")),
                b.assert_(b.compare("output.processing_time_ms", ">", b.literal(0.0))),
            ]
        )
        tests.append(
            _test(
                f"test_{operation}_returns_typed_output",
                [
                    b.assign("request", request(operation)),
                    b.assign("output", b.await_(b.call("node.process", "request"))),
                    b.assert_(b.call("isinstance", "output", context.output_model)),
                    b.assert_(b.compare("output.correlation_id", "==", "request.correlation_id")),
                    *finished,
                ],
                node=node_class,
                is_async=True,
            )
        )
    refused = _refused(machine) if machine is not None else None
    if refused is not None:
        tests.append(
            _test(
                "test_an_undeclared_transition_is_refused",
                [
                    b.with_(
                        [(b.call("pytest.raises", ONEX_ERROR.name), "caught")],
                        [b.do(b.await_(b.call("node.process", request(refused))))],
                    ),
                    b.assert_(b.compare("caught.value.error_code", "==", "EnumCoreErrorCode.INVALID_STATE")),
                ],
                node=node_class,
                is_async=True,
            )
        )
    plain = None if database else _plain_input(context, first, samples, imports)
    if plain is not None:
        tests.append(
            _test(
                "test_plain_framework_input_is_routed",
                [
                    *arrange.get(first, []),
                    *plain,
                    b.assign("output", b.await_(b.call("node.process", "request"))),
                    b.assert_(b.call("isinstance", "output", context.output_model)),
                ],
                node=node_class,
                is_async=True,
            )
        )
    invalid = _plain_input(context, "no_such_operation", {}, imports)
    assert invalid is not None  # without fields every node type can carry a request
    tests += [
        _test(
            "test_invalid_input_raises_validation_error",
            [
                *invalid,
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
                                b.if_exp(b.call("isinstance", "outcome", HEALTH_STATUS.name), "outcome", b.await_("outcome")),
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
                                *(
                                    "EnumHealthStatusValue.HEALTHY" if check in HEALTHY_BEFORE_START else "EnumHealthStatusValue.DEGRADED"
                                    for check in dependency_checks
                                ),
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
                *arrange.get(first, []),
                *(
                    [b.with_([(b.call("pytest.raises", ONEX_ERROR.name), None)], [b.do(b.await_(b.call("node.process", request(first))))])]
                    if database
                    else [b.do(b.await_(b.call("node.process", request(first))))]
                ),
                b.assign("metrics", b.call("node.get_operation_metrics")),
                _metric("operations", "==", 1),
                _metric("successes", "==", 0 if database else 1),
                _metric("failures", "==", 1 if database else 0),
                _metric("duration_ms_total", ">", 0.0),
            ],
            node=node_class,
            is_async=True,
        ),
    ]
    if "MixinEventBus" in context.selection.provides:
        tests += _event_bus_tests(context, node_class, imports)
    tests += [statement for contribution in contributions for statement in contribution.tests.tests]
    tests.append(_contract_test(context, imports))
    return b.module([*imports.statements(), *tests], doc=f"Tests of {node_class}, generated with the node by codegen-ast.")


def _routes(operation: cst.BaseExpression, handlers: cst.BaseExpression) -> cst.BaseStatement:
    """``assert tuple(<operation of entry> for entry in <handlers>) == SUPPORTED_OPERATIONS``."""
    routed = cst.GeneratorExp(operation, cst.CompFor(target=b.name("entry"), iter=handlers))
    return b.assert_(b.compare(b.call("tuple", routed), "==", "SUPPORTED_OPERATIONS"))


def _contract_test(context: NodeContext, imports: b.ImportSet) -> cst.FunctionDef:
    """The contract routes the node's operations. A contract of our own is loaded with the
    framework's strict contract model; one that carries sections of its source contract
    unchanged (which that model may refuse: ``error_handling`` extras, ``metadata``...)
    is read as the framework's runtime reads it: a mapping."""
    declared = context.spec.declared
    if declared is None or not (declared.kept or declared.carried):
        return _test(
            "test_contract_loads_with_the_framework_model",
            [
                b.assign("contract", _contract_load(context, imports)),
                b.assert_(b.compare("contract.handler_routing", "is not", "None")),
                _routes(b.attr("entry", "operation"), b.attr("contract.handler_routing", "handlers")),
            ],
            node=None,
        )
    imports.add(*YAML_MAPPING_LOADER)
    text = b.call("CONTRACT_PATH.read_text", encoding=b.string_literal("utf-8"))
    return _test(
        "test_contract_routes_the_operations_as_the_framework_runtime_reads_it",
        [
            b.assign("contract", b.call(YAML_MAPPING_LOADER.name, text, source=b.call("str", "CONTRACT_PATH"))),
            b.assign("routing", b.subscript("contract", b.string_literal("handler_routing"))),
            b.assert_(b.call("isinstance", "routing", "dict")),
            _routes(b.subscript("entry", b.string_literal("operation")), b.subscript("routing", b.string_literal("handlers"))),
        ],
        node=None,
    )

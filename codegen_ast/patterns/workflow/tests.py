"""The generated package's own tests of declared workflows, with a stand-in for the called services."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.files.values import echo_source, value_imports, value_of
from codegen_ast.patterns.http.tests import stand_in_class
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.spec import HttpCallSpec, OperationSpec, StepSpec
from codegen_ast.target import EVENT_BUS, ONEX_ERROR
from codegen_ast.patterns.workflow.common import Statements, declares_steps, enabled, error_code, operation_named


STAND_IN = "StandInWorkflowEndpoints"
_ASYNC = "pytest.mark.asyncio"


def _calls(operation: OperationSpec) -> list[tuple[StepSpec, HttpCallSpec]]:
    return [(step, step.call) for stage in operation.stages for step in stage if step.call is not None]


def test_support(context: NodeContext, imports: b.ImportSet) -> Statements:
    """Module level of the test file: a stand-in of the services the steps call,
    and ``filled``, which fills a declared path the way the node does."""
    if not enabled(context) or not context.spec.step_calls:
        return []
    imports.add("httpx").add("typing", "Self").add("urllib.parse", "quote").add("pydantic_core", "to_jsonable_python")
    samples = b.dict_(dict(_answered_samples(context, imports)))
    answer_constant = b.with_leading_comment(
        b.assign("WORKFLOW_STAND_IN_ANSWER", samples, b.annotation("dict[str, object]")),
        "what the stand-in answers every call with: sample values of the output fields the request does not carry",
    )
    service = stand_in_class(
        context,
        STAND_IN,
        "WORKFLOW_STAND_IN_ANSWER",
        failing=True,
        doc=(
            "In-process stand-in for the services the workflow steps call (an httpx.MockTransport): records "
            "each request and answers it, failing the one request named by ``fail`` ('METHOD /path')."
        ),
    )
    filled = b.function(
        "filled",
        [Param("template", "str"), Param("request", context.input_model)],
        [
            b.assign("fields", b.call("request.model_dump", mode=b.string_literal("json"))),
            b.return_(
                b.call(
                    "template.format_map",
                    cst.DictComp(
                        b.name("name"),
                        b.call("quote", b.call("str", "value"), safe=b.string_literal("")),
                        b.comp_for(b.target_of("name, value"), b.call("fields.items"), b.compare("value", "is not", "None")),
                    ),
                )
            ),
        ],
        returns="str",
        doc="A declared path with its placeholders filled from the request, as the node fills them.",
    )
    return [answer_constant, service, filled]


def _answered_samples(context: NodeContext, imports: b.ImportSet) -> list[tuple[str, b.ExprLike]]:
    """(name, sample) of each output field a step answer has to fill (the request carries no field of its name)."""

    chosen: list[tuple[str, b.ExprLike]] = []
    for field in context.spec.output_fields:
        if echo_source(field, context.spec.input_fields) is None:
            chosen.append((field.name, value_of(field.type, sample=True)))
            for module, item in value_imports(field.type, sample=True):
                imports.add(module, item)
    return chosen


def _sent(call: HttpCallSpec) -> cst.BinaryOperation:
    return b.binop(b.string_literal(f"{call.method} "), "+", b.call("filled", b.string_literal(call.path), "request"))


def _sent_requests(source: b.ExprLike) -> cst.ListComp:
    return b.list_comp(b.formatted_string(b.dotted("sent.method"), " ", b.dotted("sent.url.path")), "sent", source)


def _event_types(events: list[str]) -> cst.ListComp:
    return b.list_comp(
        "envelope.event_type",
        "envelope",
        "bus.envelopes",
        b.compare("envelope.event_type", "in", b.set_(*(b.string_literal(e) for e in sorted(set(events))))),
    )


def attach(context: NodeContext, operation: str, *, fail: b.ExprLike | None = None) -> Statements:
    """What a test does before running ``operation``: the stand-in services and
    a recording event bus (the declared steps need both)."""
    if not declares_steps(context, operation):
        return []
    statements: Statements = []
    if _calls(operation_named(context, operation)):
        args = [fail] if fail is not None else []
        statements.append(b.assign("services", b.call(f"{STAND_IN}.attach", "node", *args)))
    if "MixinEventBus" in context.selection.provides:
        statements += [
            b.assign("bus", b.call("RecordingEventBus")),
            b.do(b.call("node.bind_event_bus", b.call("cast", "ProtocolEventBus", "bus"))),
        ]
    return statements


def workflow_tests(context: NodeContext, operation: str, request: cst.Call, imports: b.ImportSet) -> list[cst.FunctionDef]:
    """The operation runs its declared steps; when its last lone call step fails,
    the steps before it are compensated and the error names the step."""
    declared = operation_named(context, operation)
    imports.add("typing", "cast").add(*EVENT_BUS)
    steps = [step for stage in declared.stages for step in stage]
    events = [step.publish for step in steps if step.publish is not None]
    calls = _calls(declared)
    bus = "MixinEventBus" in context.selection.provides
    body: Statements = [
        b.assign("request", request),
        *attach(context, operation),
        b.assign("output", b.await_(b.call("node.process", "request"))),
        b.assert_(b.call("isinstance", "output", context.output_model)),
        b.assert_(b.compare("output.execution_status", "==", b.string_literal("completed"))),
        b.assert_(b.compare("output.correlation_id", "==", "request.correlation_id")),
        b.assert_(b.compare(b.call("len", "output.completed_steps"), "==", b.literal(len(steps)))),
    ]
    if calls:
        body += [
            b.assert_(b.compare(b.dotted(f"output.{name}"), "==", sample))
            for name, sample in _answered_samples(context, imports)
        ]
        body += [
            b.assert_(
                b.compare(
                    b.call("sorted", _sent_requests("services.requests")),
                    "==",
                    b.call("sorted", b.list_(*(_sent(call) for _, call in calls))),
                )
            ),
            b.assert_(
                b.call(
                    "all",
                    cst.GeneratorExp(
                        b.compare(
                            b.subscript("sent.headers", b.string_literal("X-Correlation-ID")),
                            "==",
                            b.call("str", "request.correlation_id"),
                        ),
                        b.comp_for("sent", "services.requests"),
                        lpar=[],
                        rpar=[],
                    ),
                )
            ),
        ]
    if events and bus:
        body.append(
            b.assert_(
                b.compare(
                    b.call("sorted", _event_types(events)), "==", b.list_(*(b.string_literal(e) for e in sorted(events)))
                )
            )
        )
    tests = [
        b.function(
            f"test_{operation}_runs_its_declared_steps",
            [Param("node", context.spec.class_name)],
            body,
            returns="None",
            is_async=True,
            decorators=[_ASYNC],
        )
    ]
    lone = [stage[0] for stage in declared.stages if len(stage) == 1 and stage[0].call is not None]
    if not lone:
        return tests
    failing = lone[-1]
    assert failing.call is not None
    index = next(i for i, stage in enumerate(declared.stages) if stage == [failing])
    before = [step for stage in declared.stages[:index] for step in stage]
    undo_calls = [step.compensate.call for step in before if step.compensate is not None and step.compensate.call]
    undo_events = [step.compensate.publish for step in before if step.compensate is not None and step.compensate.publish]
    sent_before = len([step for step in before if step.call is not None]) + 1
    failure: Statements = [
        b.assign("request", request),
        *attach(context, operation, fail=_sent(failing.call)),
        b.with_(
            [(b.call("pytest.raises", ONEX_ERROR.name), "caught")],
            [b.do(b.await_(b.call("node.process", "request")))],
        ),
        b.assert_(b.compare("caught.value.error_code", "==", error_code("ORCHESTRATOR_EXEC_STEP_FAILED"))),
        b.assert_(b.compare("caught.value.correlation_id", "==", "request.correlation_id")),
        b.assert_(b.compare(b.string_literal(repr(failing.name)), "in", "caught.value.message")),
        b.with_leading_comment(
            b.assert_(
                b.compare(
                    b.call(
                        "sorted",
                        _sent_requests(
                            cst.Subscript(
                                b.dotted("services.requests"),
                                [cst.SubscriptElement(cst.Slice(lower=b.literal(sent_before), upper=None))],
                            )
                        ),
                    ),
                    "==",
                    b.call("sorted", b.list_(*(_sent(call) for call in undo_calls))),
                )
            ),
            "after the failed request: the compensations of the steps before it",
        ),
    ]
    if undo_events and bus:
        failure.append(
            b.assert_(
                b.compare(
                    b.call("sorted", _event_types(undo_events)),
                    "==",
                    b.list_(*(b.string_literal(e) for e in sorted(undo_events))),
                )
            )
        )
    tests.append(
        b.function(
            f"test_{operation}_compensates_when_{failing.name}_fails",
            [Param("node", context.spec.class_name)],
            failure,
            returns="None",
            is_async=True,
            decorators=[_ASYNC],
        )
    )
    return tests

"""Tests of an orchestrator's sagas against a real HTTP stand-in and the framework's
bus: the declared steps run stage by stage (the steps of a stage in any order), their
answers fill the answer, their events go out; when a step fails, the steps done are
compensated newest first (the calls and the error's context say which, and which had
nothing to undo), and a compensation that keeps failing is published as
``compensation_failed``."""

from __future__ import annotations

import re
from collections.abc import Callable

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.declarative.kinds import COMPENSATION_FAILED
from codegen_ast.declarative.testgen.common import TESTING, Statements, TestModule, samples, text_of
from codegen_ast.spec import OperationSpec, StepActionSpec, StepSpec

STAND_IN = "onex_support.testing.http_stand_in"
Call = tuple[str, str]  # method, path as sent


class SagaTests:
    def __init__(self, module: TestModule, topics: dict[str, str], after: Callable[[str], Statements]) -> None:
        self.module = module
        self.topics = topics
        self.after = after
        self.inputs = list(module.spec.input_fields)
        self.failed_topic = topics[f"{module.spec.name}.{COMPENSATION_FAILED}"]

    # --- pieces -----------------------------------------------------------------------
    def path(self, template: str) -> str | None:
        """The route filled with the first sample request's fields, when their text is plain."""
        path = template
        for index, field in enumerate(self.inputs):
            text = text_of(field.type, 1, index, field.name)
            if "{" + field.name + "}" in path:
                if text is None or not re.fullmatch(r"[A-Za-z0-9_.~-]*", text):
                    return None
                path = path.replace("{" + field.name + "}", text)
        return path

    def call_of(self, action: StepActionSpec | StepSpec | None) -> Call | None:
        if action is None or action.call is None:
            return None
        path = self.path(action.call.path)
        return None if path is None else (action.call.method, path)

    def groups(self, stages: list[list[Call]]) -> cst.BaseExpression:
        return b.expr(b.list_(*(b.list_(*(b.tuple_(b.string_literal(m), b.string_literal(p)) for m, p in stage))
                                for stage in stages if stage)))

    def names(self, stages: list[list[str]]) -> cst.BaseExpression:
        return b.expr(b.list_(*(b.list_(*(b.string_literal(n) for n in stage)) for stage in stages if stage)))

    def in_stages(self, actual: b.ExprLike, expected: cst.BaseExpression) -> cst.BaseStatement:
        self.module.imports.add(TESTING, "in_stages")
        return b.assert_(b.call("in_stages", actual, expected))

    def sent(self) -> cst.BaseStatement:
        return b.assign("sent", b.list_comp(b.tuple_("each.method", "each.route"), "each", b.call("http_api.calls")))

    def published_steps(self, event: str) -> cst.BaseStatement:
        """``[(payload["step"], payload["operation"]) ...]`` of the event's topic."""
        self.module.imports.add(TESTING, "published")
        payload = b.subscript("event", b.string_literal("payload"))
        return b.assign("steps_published", b.list_comp(
            b.tuple_(b.subscript("event", b.string_literal("event_type")), b.subscript(payload, b.string_literal("step"))),
            "event", b.await_(b.call("published", "bus", b.string_literal(self.topics[event])))))

    # --- the tests --------------------------------------------------------------------
    def build(self, operation: OperationSpec) -> None:
        stages = operation.stages
        calls = [[c for step in stage if (c := self.call_of(step)) is not None] for stage in stages]
        if any(step.call is not None and self.call_of(step) is None for stage in stages for step in stage):
            return  # a route whose filled path is not plain text: not tested here
        self.success(operation, calls)
        self.failure(operation, calls)

    def success(self, operation: OperationSpec, calls: list[list[Call]]) -> None:
        m = self.module
        name = operation.name
        m.imports.add(STAND_IN, "Answer")
        inputs = samples(self.inputs, 1, m.imports)
        outputs = {field.name for field in m.spec.output_fields}
        answered = [f for f in m.spec.output_fields if f.name not in inputs and f.type.kind == "scalar" and f.type.scalar == "str"]
        expected = {n: v for n, v in inputs.items() if n in outputs}
        body: Statements = []
        flat = [(step, c) for stage in operation.stages for step in stage if (c := self.call_of(step)) is not None]
        for (step, (method, path)), field in zip(flat, answered, strict=False):
            value = b.string_literal(f"{field.name}-{step.name}")
            body.append(b.do(b.call("http_api.script", b.string_literal(f"{method} {path}"),
                                    b.call("Answer", body=b.dict_({field.name: value})))))
            expected[field.name] = value
        body += [
            b.assign("request", m.request(name, **inputs)),
            b.assign("answer", m.call(name, "request")),
            b.assert_(b.compare("answer", "==", m.answer(operation=b.string_literal(m.spec.routed(name)),
                                                         correlation_id="request.correlation_id", **expected))),
            self.sent(),
            self.in_stages("sent", self.groups(calls)),
        ]
        for stage in operation.stages:
            for step in stage:
                if step.publish is not None:
                    body += [self.published_steps(step.publish), b.assert_(b.compare(
                        "steps_published", "==", b.list_(b.tuple_(b.string_literal(step.publish),
                                                                  b.string_literal(step.name)))))]
                if step.compensate is not None and step.compensate.publish is not None:
                    body += [self.published_steps(step.compensate.publish),
                             b.assert_(b.compare("steps_published", "==", b.list_()))]
        body += self.after(name)
        m.test(f"test_{name}_runs_its_steps_in_order", ["http_api", "bus"], body,
               f"{name}: the declared steps, stage by stage; their answers fill the answer; their events go out.")

    def failure(self, operation: OperationSpec, calls: list[list[Call]]) -> None:
        """The last HTTP step that runs alone in its stage fails: what ran before is undone."""
        stages = operation.stages
        found = [(i, stage[0]) for i, stage in enumerate(stages) if len(stage) == 1 and stage[0].call is not None]
        if not found:
            return
        at, failing = found[-1]
        failing_call = self.call_of(failing)
        assert failing_call is not None
        done = stages[:at]
        undone = [[s.name for s in stage if s.compensate is not None] for stage in reversed(done)]
        nothing = [[s.name for s in stage if s.compensate is None] for stage in reversed(done)]
        undo_calls = [[c for s in stage if (c := self.call_of(s.compensate)) is not None] for stage in reversed(done)]
        m = self.module
        name = operation.name
        m.imports.add(STAND_IN, "Answer")
        method, path = failing_call
        body: Statements = [
            b.do(b.call("http_api.script", b.string_literal(f"{method} {path}"), b.call("Answer", status=b.literal(500)))),
            b.assign("request", m.request(name, **samples(self.inputs, 1, m.imports))),
            *m.fails("ORCHESTRATOR_EXEC_STEP_FAILED", b.do(m.call(name, "request")),
                     m.context_is("step", b.string_literal(failing.name))),
            self.in_stages(b.subscript(b.call("context", "caught.value"), b.string_literal("compensated_steps")),
                           self.names(undone)),
            self.in_stages(b.subscript(b.call("context", "caught.value"), b.string_literal("uncompensated_steps")),
                           self.names(nothing)),
            self.sent(),
            self.in_stages("sent", self.groups([*calls[: at + 1], *undo_calls])),
        ]
        for stage in done:
            for step in stage:
                if step.compensate is not None and step.compensate.publish is not None:
                    body += [self.published_steps(step.compensate.publish), b.assert_(b.compare(
                        "steps_published", "==", b.list_(b.tuple_(b.string_literal(step.compensate.publish),
                                                                  b.string_literal(step.name)))))]
        m.imports.add(TESTING, "published")
        body.append(b.assert_(b.compare(b.await_(b.call("published", "bus", b.string_literal(self.failed_topic))),
                                        "==", b.list_())))
        m.test(f"test_{name}_compensates_newest_first_when_{failing.name}_fails", ["http_api", "bus"], body,
               f"{failing.name} answers 500: ORCHESTRATOR_EXEC_STEP_FAILED naming it; the steps done are "
               "compensated newest first; those with nothing to undo are named.")
        compensable = [(s, c) for stage in done for s in stage if (c := self.call_of(s.compensate)) is not None]
        if compensable:
            self.compensation_fails(operation, failing_call, compensable[-1])

    def compensation_fails(self, operation: OperationSpec, failing: Call, broken: tuple[StepSpec, Call]) -> None:
        m = self.module
        name = operation.name
        step, (method, path) = broken
        payload = b.subscript(b.subscript("records", b.literal(0)), b.string_literal("payload"))
        body: Statements = [
            b.do(b.call("monkeypatch.setenv", b.string_literal("SAGA_COMPENSATION_ATTEMPTS"), b.string_literal("2"))),
            b.do(b.call("monkeypatch.setenv", b.string_literal("SAGA_COMPENSATION_BACKOFF_S"), b.string_literal("0"))),
            b.do(b.call("http_api.script", b.string_literal(f"{failing[0]} {failing[1]}"),
                        b.call("Answer", status=b.literal(500)))),
            b.do(b.call("http_api.script", b.string_literal(f"{method} {path}"), b.call("Answer", status=b.literal(500)))),
            b.assign("request", m.request(name, **samples(self.inputs, 1, m.imports))),
            *m.fails("ORCHESTRATOR_EXEC_STEP_FAILED", b.do(m.call(name, "request")),
                     m.context_is("failed_compensations", b.list_(b.string_literal(step.name)))),
            b.assert_(b.compare(b.call("len", b.call("http_api.calls", b.string_literal(f"{method} {path}"))), "==",
                                b.literal(2))),
            m.events_on(self.failed_topic, "records"),
            b.assert_(b.compare(
                b.tuple_(b.subscript(payload, b.string_literal("step")), b.subscript(payload, b.string_literal("route")),
                         b.subscript(payload, b.string_literal("attempts"))), "==",
                b.tuple_(b.string_literal(step.name), b.string_literal(step.compensate.call.path if step.compensate
                                                                      and step.compensate.call else ""), b.literal(2)))),
            b.assert_(b.compare(b.call("len", "records"), "==", b.literal(1))),
        ]
        m.test(f"test_{name}_records_a_compensation_that_keeps_failing", ["http_api", "monkeypatch", "bus"], body,
               f"Undoing {step.name} fails every attempt: tried as configured, then published as "
               f"{COMPENSATION_FAILED} with the step and its route.")

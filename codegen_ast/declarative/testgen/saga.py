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
from codegen_ast.target import ERROR_CODE
from codegen_ast.spec import OperationSpec, StepActionSpec, StepSpec

STAND_IN = "onex_support.testing.http_stand_in"
Call = tuple[str, str]  # method, path as sent
Answered = tuple[Call, int]  # a call scripted, and the status it answers


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
        self.refuses_steps(operation)
        for at, stage in enumerate(stages):
            for failing in stage:
                if failing.call is not None:
                    self.failure(operation, calls, at, failing)
        for at, stage in enumerate(stages):
            for step in stage:
                later = [s for stage in stages[at + 1:] for s in stage if s.call is not None]
                if self.call_of(step.compensate) is not None and later:
                    self.compensation_fails(operation, later[-1], step)

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
            m.same("answer", m.answer(operation=b.string_literal(m.spec.routed(name)),
                                      correlation_id="request.correlation_id", **expected)),
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

    def script(self, operation: OperationSpec, failing: list[Answered]) -> Statements:
        """The stand-in answers each failing call its status; a call of the operation
        whose text starts with a failing one's (the stand-in matches prefixes) is
        scripted first to answer 200."""
        every = {c for stage in operation.stages for step in stage
                 for c in (self.call_of(step), self.call_of(step.compensate)) if c is not None}
        texts = {f"{m} {p}" for (m, p), _ in failing}
        shadowed = sorted(t for t in {f"{m} {p}" for m, p in every} - texts
                          if any(t.startswith(prefix) for prefix in texts))
        self.module.imports.add(STAND_IN, "Answer")
        return [
            *(b.do(b.call("http_api.script", b.string_literal(t), b.call("Answer"))) for t in shadowed),
            *(b.do(b.call("http_api.script", b.string_literal(f"{m} {p}"), b.call("Answer", status=b.literal(status))))
              for (m, p), status in failing),
        ]

    def compensation_events(self, steps: list[StepSpec]) -> Statements:
        """Each compensated step's compensation event: published once, naming it."""
        body: Statements = []
        for step in steps:
            if step.compensate is not None and step.compensate.publish is not None:
                body += [self.published_steps(step.compensate.publish), b.assert_(b.compare(
                    "steps_published", "==", b.list_(b.tuple_(b.string_literal(step.compensate.publish),
                                                              b.string_literal(step.name)))))]
        return body

    def refuses_steps(self, operation: OperationSpec) -> None:
        """Caller input never chooses control flow: a request carrying steps is refused."""
        m = self.module
        m.imports.add("pydantic", "ValidationError").add(f"..models.{m.names.request_module}", m.names.request_model)
        values: dict[str, b.ExprLike] = {"operation": b.string_literal(m.spec.routed(operation.name)), **samples(self.inputs, 1, m.imports),
                  "steps": b.list_(b.string_literal(operation.stages[-1][0].name))}
        body: Statements = [
            b.with_([(b.call("pytest.raises", "ValidationError"), None)], [
                b.do(b.call(f"{m.names.request_model}.model_validate", b.dict_(values)))]),
            b.assert_(b.compare(b.call("http_api.calls"), "==", b.list_())),
        ]
        m.test(f"test_{operation.name}_refuses_steps_chosen_by_the_caller", ["http_api"], body,
               f"{operation.name} runs the steps the node declares: a request naming steps is refused.")

    def failure(self, operation: OperationSpec, calls: list[list[Call]], at: int, failing: StepSpec) -> None:
        """``failing`` answers 503 every time: sent as often as it may be, then the
        steps done (its stage's others too: done or cut off) are compensated newest
        first, and those with nothing to undo are named."""
        m = self.module
        name = operation.name
        stages = operation.stages
        failing_call = self.call_of(failing)
        assert failing_call is not None and failing.call is not None
        others = [s for s in stages[at] if s is not failing]
        done = [others, *reversed(stages[:at])]
        undone = [[s.name for s in stage if s.compensate is not None] for stage in done]
        nothing = [[s.name for s in stage if s.compensate is None] for stage in done]
        undo_calls = [[c for s in stage if (c := self.call_of(s.compensate)) is not None] for stage in done]
        racing = [c for s in others if (c := self.call_of(s)) is not None]  # sent or not, as the race goes
        attempts = failing.call.attempts
        sent = [*calls[:at], [failing_call] * attempts, *undo_calls]
        body: Statements = [
            *self.script(operation, [(failing_call, 503)]),
            b.assign("request", m.request(name, **samples(self.inputs, 1, m.imports))),
            *m.fails("ORCHESTRATOR_EXEC_STEP_FAILED", b.do(m.call(name, "request")),
                     m.context_is("step", b.string_literal(failing.name))),
            self.in_stages(b.subscript(b.call("context", "caught.value"), b.string_literal("compensated_steps")),
                           self.names(undone)),
            self.in_stages(b.subscript(b.call("context", "caught.value"), b.string_literal("uncompensated_steps")),
                           self.names(nothing)),
            m.context_is("failed_compensations", b.list_()),
            self.sent(),
            b.assert_(b.compare(b.call("sent.count", b.tuple_(*map(b.string_literal, failing_call))), "==",
                                b.literal(attempts))),
        ]
        if racing:
            body.append(b.assign("sent", b.list_comp("each", "each", "sent", b.compare(
                "each", "not in", b.list_(*(b.tuple_(*map(b.string_literal, c)) for c in racing))))))
        body.append(self.in_stages("sent", self.groups(sent)))
        body += self.compensation_events([s for stage in done for s in stage])
        m.imports.add(TESTING, "published")
        body.append(b.assert_(b.compare(b.await_(b.call("published", "bus", b.string_literal(self.failed_topic))),
                                        "==", b.list_())))
        m.test(f"test_{name}_compensates_newest_first_when_{failing.name}_fails", ["http_api", "bus"], body,
               f"{failing.name} answers 503 each of its {attempts} attempt(s): ORCHESTRATOR_EXEC_STEP_FAILED naming "
               "it; the steps done are compensated newest first; those with nothing to undo are named.")

    def compensation_fails(self, operation: OperationSpec, failing: StepSpec, broken: StepSpec) -> None:
        """``failing`` answers 500 and undoing ``broken`` answers 503 every time: its
        compensation is tried as configured (each try as often as its call may be
        sent), recorded once as ``compensation_failed`` with what is needed to run
        it by hand, and the other compensations still run."""
        m = self.module
        name = operation.name
        failing_call, undo = self.call_of(failing), self.call_of(broken.compensate)
        assert failing_call is not None and undo is not None
        assert broken.compensate is not None and broken.compensate.call is not None
        method, route = broken.compensate.call.method, broken.compensate.call.path
        tries = 2 * broken.compensate.call.attempts
        m.imports.add(ERROR_CODE.module, ERROR_CODE.name)
        record = b.dict_({
            "saga": b.string_literal(m.spec.routed(name)), "step": b.string_literal(broken.name),
            "compensation": b.string_literal(f"{method} {route}"), "method": b.string_literal(method),
            "route": b.string_literal(route), "event_type": b.name("None"),
            "request": b.call("request.model_dump", mode=b.string_literal("json"),
                              exclude=b.set_(b.string_literal("operation"), b.string_literal("correlation_id"))),
            "error_code": b.call("str", f"{ERROR_CODE.name}.SERVICE_UNAVAILABLE"), "attempts": b.literal(2),
        })
        others = [s.name for stage in operation.stages for s in stage
                  if s.compensate is not None and s is not broken and self.ran_before(operation, s, failing)]
        body: Statements = [
            b.do(b.call("monkeypatch.setenv", b.string_literal("SAGA_COMPENSATION_ATTEMPTS"), b.string_literal("2"))),
            b.do(b.call("monkeypatch.setenv", b.string_literal("SAGA_COMPENSATION_BACKOFF_S"), b.string_literal("0"))),
            *self.script(operation, [(failing_call, 500), (undo, 503)]),
            b.assign("request", m.request(name, **samples(self.inputs, 1, m.imports))),
            *m.fails("ORCHESTRATOR_EXEC_STEP_FAILED", b.do(m.call(name, "request")),
                     m.context_is("failed_compensations", b.list_(b.string_literal(broken.name)))),
            self.in_stages(b.subscript(b.call("context", "caught.value"), b.string_literal("compensated_steps")),
                           self.names([others])),
            self.sent(),
            b.assert_(b.compare(b.call("sent.count", b.tuple_(*map(b.string_literal, undo))), "==", b.literal(tries))),
            m.events_on(self.failed_topic, "records"),
            b.assert_(b.compare(
                b.list_comp(b.tuple_(b.subscript("each", b.string_literal("event_type")),
                                     b.subscript("each", b.string_literal("payload")),
                                     b.subscript("each", b.string_literal("correlation_id"))), "each", "records"),
                "==", b.list_(b.tuple_(b.string_literal(f"{m.spec.name}.{COMPENSATION_FAILED}"), record,
                                       b.call("str", "request.correlation_id"))))),
        ]
        m.test(f"test_{name}_records_undoing_{broken.name}_when_it_keeps_failing", ["http_api", "monkeypatch", "bus"],
               body, f"Undoing {broken.name} answers 503 every time: tried as configured, then published once as "
               f"{COMPENSATION_FAILED} with what is needed to run it by hand; the other compensations still run.")

    @staticmethod
    def ran_before(operation: OperationSpec, step: StepSpec, failing: StepSpec) -> bool:
        """Whether ``step`` runs in a stage before ``failing``'s, or beside it."""
        at = {s.name: i for i, stage in enumerate(operation.stages) for s in stage}
        return at[step.name] <= at[failing.name] and step is not failing

"""Tests of a reducer's state machine: each trigger, reached by the shortest declared
path, answers the state reached and the one left and publishes every transition
(trigger, states, version) with its correlation id; a trigger the state does not
allow is INVALID_STATE naming the state, publishes nothing and changes nothing;
with an entity key, each entity has a state of its own."""

from __future__ import annotations

from collections.abc import Callable

from codegen_ast import builders as b
from codegen_ast.declarative.kinds import entity_key
from codegen_ast.declarative.testgen.common import Statements, TestModule, samples
from codegen_ast.files.tests import trigger_paths
from codegen_ast.patterns.events.names import transition_event_type
from codegen_ast.spec import StateMachineSpec


def _walk(machine: StateMachineSpec, triggers: list[str]) -> list[tuple[str, str, str]]:
    """(trigger, from, to) of each trigger, from the initial state."""
    state, taken = machine.initial_state, []
    for trigger in triggers:
        target = next(t.target for t in machine.transitions if t.source == state and t.trigger == trigger)
        taken.append((trigger, state, target))
        state = target
    return taken


def _paths(machine: StateMachineSpec) -> dict[str, list[str]]:
    """For each trigger, the shortest trigger sequence from the initial state ending with it."""
    return {trigger: [*before, trigger] for trigger, (before, _) in trigger_paths(machine).items()}


class ReducerTests:
    def __init__(self, module: TestModule, topic: str, after: Callable[[str], Statements]) -> None:
        self.module = module
        self.after = after
        self.topic = topic
        spec = module.spec
        assert spec.state_machine is not None
        self.machine = spec.state_machine
        self.fixtures = ["postgres", "bus"] if spec.database is not None else ["bus"]
        self.key = entity_key(spec)
        self.outputs = {field.name for field in spec.output_fields}

    def request(self, trigger: str, n: int = 1) -> b.ExprLike:
        return self.module.request(trigger, **samples(self.module.spec.input_fields, n, self.module.imports))

    def answer(self, trigger: str, source: str, target: str, n: int = 1) -> b.ExprLike:
        echoed = {name: value for name, value in samples(self.module.spec.input_fields, n, self.module.imports).items()
                  if name in self.outputs}
        return self.module.answer(operation=b.string_literal(self.module.spec.routed(trigger)),
                                  correlation_id="request.correlation_id", state=b.string_literal(target),
                                  previous_state=b.string_literal(source), **echoed)

    def moves(self, path: list[str], n: int = 1) -> Statements:
        m = self.module
        taken = _walk(self.machine, path)
        body: Statements = [b.do(m.call(trigger, self.request(trigger, n))) for trigger in path[:-1]]
        trigger, source, target = taken[-1]
        return [*body, b.assign("request", self.request(trigger, n)), b.assign("answer", m.call(trigger, "request")),
                b.assert_(b.compare("answer", "==", self.answer(trigger, source, target, n)))]

    def build(self) -> None:
        m = self.module
        spec = m.spec
        payload = b.subscript("event", b.string_literal("payload"))
        for trigger, path in _paths(self.machine).items():
            taken = _walk(self.machine, path)
            body = [
                *self.moves(path),
                m.events_on(self.topic),
                b.assert_(b.compare(
                    b.list_comp(b.tuple_(b.subscript("event", b.string_literal("event_type")),
                                         *(b.subscript(payload, b.string_literal(k))
                                           for k in ("trigger", "from_state", "to_state", "version"))),
                                "event", "events"),
                    "==", b.list_(*(b.tuple_(b.string_literal(transition_event_type(spec)), b.string_literal(t),
                                             b.string_literal(f), b.string_literal(to), b.literal(number))
                                    for number, (t, f, to) in enumerate(taken, 1))))),
                b.assert_(b.compare(b.subscript(b.subscript("events", b.literal(-1)), b.string_literal("correlation_id")),
                                    "==", b.call("str", "request.correlation_id"))),
                *self.after(trigger),
            ]
            if self.key is not None:
                key_value = samples(spec.input_fields, 1, m.imports)[self.key]
                body.append(b.assert_(b.compare(
                    b.set_comp(b.subscript(payload, b.string_literal("entity_key")), "event", "events"), "==",
                    b.set_(b.call("str", key_value)))))
            m.test(f"test_{trigger}_moves_{taken[-1][1]}_to_{taken[-1][2]}", self.fixtures, body,
                   f"{trigger} after {', '.join(path[:-1]) or 'nothing'}: the state reached and left, "
                   "every transition published.")
        self.refused()
        if self.key is not None:
            self.per_entity()

    def refused(self) -> None:
        m = self.module
        allowed = [t.trigger for t in self.machine.transitions if t.source == self.machine.initial_state]
        refused = next((t for t in self.machine.triggers if t not in allowed), None)
        if refused is None or not allowed:
            return
        initial = self.machine.initial_state
        body = [
            b.assign("request", self.request(refused)),
            *m.fails("INVALID_STATE", b.do(m.call(refused, "request")), m.context_is("state", b.string_literal(initial))),
            m.events_on(self.topic),
            b.assert_(b.compare("events", "==", b.list_())),
            b.with_leading_comment(b.assign("request", self.request(allowed[0])), "the state did not move"),
            b.assign("answer", m.call(allowed[0], "request")),
            b.assert_(b.compare("answer.previous_state", "==", b.string_literal(initial))),
        ]
        m.test(f"test_{refused}_is_refused_in_the_initial_state", self.fixtures, body,
               f"{refused} from {initial}: INVALID_STATE naming the state; nothing published, the state kept.")

    def per_entity(self) -> None:
        m = self.module
        first = next(t.trigger for t in self.machine.transitions if t.source == self.machine.initial_state)
        target = next(t.target for t in self.machine.transitions if t.source == self.machine.initial_state)
        body = [*self.moves([first], 1), *self.moves([first], 2)]
        m.test("test_each_entity_has_a_state_of_its_own", self.fixtures, body,
               f"{first} on two {self.key}s: each leaves {self.machine.initial_state} for {target}.")

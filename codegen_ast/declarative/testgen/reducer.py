"""Tests of a reducer's state machine: each transition, reached by the shortest
declared path with requests that meet every condition on the way, answers the state
reached and the one left and (when the node declares a transition event) publishes
every transition (trigger, states, version) with its correlation id; a condition
that does not hold refuses its transition (INVALID_STATE naming the state, the state
kept); a trigger the state does not allow, and any trigger in a terminal state, is
INVALID_STATE naming the state, publishes nothing and changes nothing; with an
entity key, each entity has a state of its own."""

from __future__ import annotations

from collections.abc import Callable

from codegen_ast import builders as b
from codegen_ast.declarative.kinds import entity_key
from codegen_ast.declarative.models import framework_model
from codegen_ast.declarative.testgen.common import Statements, TestModule, samples
from codegen_ast.patterns.events.names import transition_event_type
from codegen_ast.spec import FieldSpec, StateMachineSpec, TransitionSpec
from codegen_ast.spec.names import identifier

_NUMERIC = ("int", "float")


def _reach(machine: StateMachineSpec) -> dict[str, list[TransitionSpec]]:
    """For each state reachable from the initial one, the shortest path of transitions to it."""
    reach: dict[str, list[TransitionSpec]] = {machine.initial_state: []}
    frontier = [machine.initial_state]
    while frontier:
        state = frontier.pop(0)
        for t in machine.transitions:
            if t.source == state and t.target not in reach and state not in machine.terminal_states:
                reach[t.target] = [*reach[state], t]
                frontier.append(t.target)
    return reach


def _expression(condition: object) -> tuple[str, str, str] | None:
    """A declared condition's ``field operator value`` (the reader wrote it in the framework's shape)."""
    text = condition.get("expression") if isinstance(condition, dict) else condition
    if not isinstance(text, str) or len(text.split()) != 3:
        return None
    field, operator, value = text.split()
    return field, operator, value


def _value(field: FieldSpec, text: str, offset: float = 0) -> b.ExprLike | None:
    """``text`` as a value of the field's type, moved by ``offset`` for a number."""
    scalar = field.type.scalar if field.type.kind == "scalar" else ""
    if scalar in _NUMERIC:
        try:
            number = float(text) + offset
        except ValueError:
            return None
        return b.literal(int(number) if scalar == "int" and number.is_integer() else number) \
            if scalar == "float" or number.is_integer() else None
    if scalar in ("str", "Any") and offset == 0:
        return b.string_literal(text)
    return None


def _meeting(field: FieldSpec, operator: str, value: str) -> tuple[bool, b.ExprLike | None]:
    """(can be met, the value that meets ``field operator value``; None: the sample does)."""
    first = value.split(",")[0].strip()
    table: dict[str, tuple[str, float]] = {
        "==": (value, 0), "equals": (value, 0), "in": (first, 0), ">": (value, 1), "greater_than": (value, 1),
        ">=": (value, 0), "greater_than_or_equal": (value, 0), "<": (value, -1), "less_than": (value, -1),
        "<=": (value, 0), "less_than_or_equal": (value, 0), "contains": (value, 0), "matches": (value, 0),
    }
    if operator == "exists":
        return True, None
    if operator == "not_exists":
        return (not field.required), b.name("None")
    if operator == "min_length" and field.type.scalar in ("str", "Any"):
        return value.isdigit(), b.string_literal("x" * int(value)) if value.isdigit() else None
    if operator in table and not (operator == "matches" and not value.isalnum()):
        text, offset = table[operator]
        met = _value(field, text, offset)
        return met is not None, met
    return False, None


def _breaking(field: FieldSpec, operator: str, value: str) -> b.ExprLike | None:
    """A value for which ``field operator value`` does not hold, when one is plain."""
    if operator == "exists" and not field.required:
        return b.name("None")
    if operator in ("==", "equals", "in") and field.type.scalar in ("str", "Any"):
        return b.string_literal(f"not-{value.split(',')[0].strip()}")
    if operator in (">", "greater_than", ">=", "greater_than_or_equal"):
        return _value(field, value, -1)
    if operator in ("<", "less_than", "<=", "less_than_or_equal"):
        return _value(field, value, 1)
    return None


class ReducerTests:
    def __init__(self, module: TestModule, topic: str | None, after: Callable[[str], Statements]) -> None:
        self.module = module
        self.after = after
        self.topic = topic
        spec = module.spec
        assert spec.state_machine is not None
        self.machine = spec.state_machine
        self.fixtures = ["postgres", "bus"] if spec.database is not None else ["bus"]
        self.key = entity_key(spec)
        self.outputs = {field.name for field in spec.output_fields}
        self.fields = {field.name: field for field in spec.input_fields}
        self.operations: dict[str, str] = {}  # trigger -> the operation that fires it
        for operation in spec.effective_operations:
            trigger = spec.trigger(operation.name)
            if trigger is not None:
                self.operations.setdefault(trigger, operation.name)

    def met(self, transition: TransitionSpec) -> dict[str, b.ExprLike] | None:
        """The request values that meet the transition's conditions; None when one cannot be met."""
        values: dict[str, b.ExprLike] = {}
        for condition in transition.conditions:
            if isinstance(condition, dict) and condition.get("required") is False:
                continue
            parsed = _expression(condition)
            if parsed is None or parsed[0] not in self.fields:
                return None
            field, operator, value = parsed
            possible, meeting = _meeting(self.fields[field], operator, value)
            if not possible:
                return None
            if meeting is not None:
                values[field] = meeting
        return values

    def request(self, transition: TransitionSpec, n: int = 1, values: dict[str, b.ExprLike] | None = None) -> b.ExprLike:
        m = self.module
        met = self.met(transition) or {}
        return m.request(self.operations[transition.trigger],
                         **(samples(m.spec.input_fields, n, m.imports) | met | (values or {})))

    def answer(self, transition: TransitionSpec, n: int = 1) -> b.ExprLike:
        m = self.module
        sent = samples(m.spec.input_fields, n, m.imports) | (self.met(transition) or {})
        echoed = {name: value for name, value in sent.items() if name in self.outputs}
        return m.answer(operation=b.string_literal(m.spec.routed(self.operations[transition.trigger])),
                        correlation_id="request.correlation_id", state=b.string_literal(transition.target),
                        previous_state=b.string_literal(transition.source), **echoed)

    def call(self, transition: TransitionSpec, request: b.ExprLike) -> b.ExprLike:
        return self.module.call(self.operations[transition.trigger], request)

    def walk(self, path: list[TransitionSpec], n: int = 1) -> Statements:
        """Every transition of ``path``: its request sent."""
        return [b.do(self.call(t, self.request(t, n))) for t in path]

    def moves(self, path: list[TransitionSpec], n: int = 1) -> Statements:
        last = path[-1]
        return [*self.walk(path[:-1], n), b.assign("request", self.request(last, n)),
                b.assign("answer", self.call(last, "request")),
                self.module.same("answer", self.answer(last, n))]

    def possible(self, path: list[TransitionSpec]) -> bool:
        return all(self.met(t) is not None and t.trigger in self.operations for t in path)

    def build(self) -> None:
        reach = _reach(self.machine)
        for transition in self.machine.transitions:
            if transition.source not in reach:
                continue
            path = [*reach[transition.source], transition]
            if self.possible(path):
                self.moved(transition, path)
                self.guarded(transition, reach[transition.source])
        self.refused()
        self.terminal(reach)
        if self.key is not None:
            self.per_entity()

    def moved(self, transition: TransitionSpec, path: list[TransitionSpec]) -> None:
        m = self.module
        spec = m.spec
        body = self.moves(path)
        if self.topic is not None:
            payload = b.subscript("event", b.string_literal("payload"))
            body += [
                m.events_on(self.topic),
                b.assert_(b.compare(
                    b.list_comp(b.tuple_(b.subscript("event", b.string_literal("event_type")),
                                         *(b.subscript(payload, b.string_literal(k))
                                           for k in ("trigger", "from_state", "to_state", "version"))),
                                "event", "events"),
                    "==", b.list_(*(b.tuple_(b.string_literal(transition_event_type(spec)), b.string_literal(t.trigger),
                                             b.string_literal(t.source), b.string_literal(t.target), b.literal(number))
                                    for number, t in enumerate(path, 1))))),
                b.assert_(b.compare(b.subscript(b.subscript("events", b.literal(-1)), b.string_literal("correlation_id")),
                                    "==", b.call("str", "request.correlation_id"))),
            ]
            if self.key is not None:
                key_value = samples(spec.input_fields, 1, m.imports)[self.key]
                body.append(b.assert_(b.compare(
                    b.set_comp(b.subscript(payload, b.string_literal("entity_key")), "event", "events"), "==",
                    b.set_(b.call("str", key_value)))))
        if framework_model(spec, "output") is not None:  # the answer carries the transition's actions as intents
            actions = [a["action_name"] for a in transition.actions if isinstance(a, dict) and "action_name" in a]
            body.append(b.assert_(b.compare(
                b.list_comp(b.call("getattr", "intent.payload", b.string_literal("action_name"), "None"), "intent",
                            "answer.intents", b.compare("intent.intent_type", "==", b.string_literal("fsm_transition_action"))),
                "==", b.list_(*(b.string_literal(action) for action in actions)))))
        body += self.after(self.operations[transition.trigger])
        before = ", ".join(t.trigger for t in path[:-1]) or "nothing"
        published = ", every transition published" if self.topic is not None else ""
        m.test(f"test_{identifier(transition.trigger)}_moves_{transition.source}_to_{transition.target}", self.fixtures,
               body, f"{transition.trigger} after {before}: the state reached and left{published}.")

    def no_event(self) -> Statements:
        if self.topic is None:
            return []
        return [self.module.events_on(self.topic), b.assert_(b.compare("events", "==", b.list_()))]

    def guarded(self, transition: TransitionSpec, path: list[TransitionSpec]) -> None:
        """The first condition of the transition that a plain value breaks: the transition refused."""
        m = self.module
        for condition in transition.conditions:
            parsed = _expression(condition)
            if parsed is None or parsed[0] not in self.fields or parsed[0] == self.key or (
                    isinstance(condition, dict) and condition.get("required") is False):
                continue
            field, operator, value = parsed
            broken = _breaking(self.fields[field], operator, value)
            if broken is None:
                continue
            body = [
                *self.walk(path),
                b.assign("request", self.request(transition, values={field: broken})),
                *m.fails("INVALID_STATE", b.do(self.call(transition, "request")),
                         m.context_is("state", b.string_literal(transition.source))),
                b.with_leading_comment(b.assign("request", self.request(transition)), "the state did not move"),
                b.assign("answer", self.call(transition, "request")),
                m.same("answer", self.answer(transition)),
            ]
            expression = " ".join(parsed)
            m.test(f"test_{identifier(transition.trigger)}_from_{transition.source}_needs_{identifier(expression)}",
                   self.fixtures, body,
                   f"{transition.trigger} from {transition.source} when {expression!r} does not hold: refused, "
                   "the state kept.")
            return

    def refused(self) -> None:
        m = self.module
        initial = self.machine.initial_state
        allowed = [t for t in self.machine.transitions if t.source == initial and self.possible([t])]
        refused = next((t for t in self.machine.transitions
                        if t.trigger not in {a.trigger for a in allowed} and self.possible([t])), None)
        if refused is None or not allowed:
            return
        body = [
            b.assign("request", self.request(refused)),
            *m.fails("INVALID_STATE", b.do(self.call(refused, "request")), m.context_is("state", b.string_literal(initial))),
            *self.no_event(),
            b.with_leading_comment(b.assign("request", self.request(allowed[0])), "the state did not move"),
            b.assign("answer", self.call(allowed[0], "request")),
            b.assert_(b.compare("answer.previous_state", "==", b.string_literal(initial))),
        ]
        m.test(f"test_{identifier(refused.trigger)}_is_refused_in_the_initial_state", self.fixtures, body,
               f"{refused.trigger} from {initial}: INVALID_STATE naming the state; nothing published, the state kept.")

    def terminal(self, reach: dict[str, list[TransitionSpec]]) -> None:
        """In the first reachable terminal state, every trigger is refused."""
        m = self.module
        ends = [state for state in self.machine.terminal_states if state in reach and self.possible(reach[state])]
        if not ends:
            return
        end = ends[0]
        triggers = [t for t in self.machine.transitions if self.possible([t])]
        tried = list({t.trigger: t for t in triggers}.values())
        body: Statements = [*self.walk(reach[end])]
        if self.topic is not None:
            body.append(m.events_on(self.topic, "before"))
        for transition in tried:
            body += m.fails("INVALID_STATE", b.do(self.call(transition, self.request(transition))),
                            m.context_is("state", b.string_literal(end)))
        if self.topic is not None:
            body += [m.events_on(self.topic), b.assert_(b.compare("events", "==", "before"))]
        m.test(f"test_no_trigger_leaves_the_terminal_state_{end}", self.fixtures, body,
               f"{end} is terminal: {', '.join(t.trigger for t in tried)} refused there, naming the state.")

    def reads(self, operation: str) -> None:
        """An operation that fires no trigger: the initial state answered, and kept."""
        m = self.module
        initial = self.machine.initial_state
        first = next((t for t in self.machine.transitions if t.source == initial and self.possible([t])), None)
        body = [
            b.assign("request", m.request(operation, **samples(m.spec.input_fields, 1, m.imports))),
            b.assign("answer", m.call(operation, "request")),
            m.same("answer", m.answer(operation=b.string_literal(m.spec.routed(operation)),
                                      correlation_id="request.correlation_id", state=b.string_literal(initial),
                                      previous_state=b.string_literal(initial),
                                      **{name: value for name, value in samples(m.spec.input_fields, 1, m.imports).items()
                                         if name in self.outputs})),
            *self.no_event(),
        ]
        if first is not None:
            body += [b.with_leading_comment(b.assign("request", self.request(first)), "the state did not move"),
                     b.assign("answer", self.call(first, "request")),
                     b.assert_(b.compare("answer.previous_state", "==", b.string_literal(initial)))]
        m.test(f"test_{identifier(m.spec.routed(operation))}_answers_the_state_and_moves_nothing", self.fixtures, body,
               f"{m.spec.routed(operation)} fires no trigger: it answers {initial} and the state stays there.")

    def per_entity(self) -> None:
        first = next((t for t in self.machine.transitions
                      if t.source == self.machine.initial_state and self.possible([t])), None)
        if first is None:
            return
        body = [*self.moves([first], 1), *self.moves([first], 2)]
        self.module.test("test_each_entity_has_a_state_of_its_own", self.fixtures, body,
                         f"{first.trigger} on two {self.key}s: each leaves {self.machine.initial_state} for {first.target}.")

"""Tests of the events a node consumes: each event's handler makes the request of
its operation from the event's declared fields, runs it (the row written or changed
for a database node), and keeps the event's correlation id; on a real Kafka-wire
broker, through the framework's RuntimeDispatch, an event is answered once and one
that fails is redelivered a bounded number of times, then dead-lettered."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.declarative.testgen.common import Statements, TestModule, samples
from codegen_ast.declarative.testgen.crud import CrudTests
from codegen_ast.files.models import output_fields
from codegen_ast.spec.behaviour import SubscribedEventSpec
from codegen_ast.spec.names import an


MAX_RETRIES = 2  # redeliveries of a failing event in the Kafka test, before its dead-letter topic
# an event payload no event model accepts: the correlation id is not a UUID
MALFORMED = {"correlation_id": "not-a-uuid"}


def build_consumed_tests(module: TestModule, event: SubscribedEventSpec, crud: CrudTests | None,
                         published: Sequence[tuple[str, str]]) -> None:
    """The tests of ``event``; ``published``: the (event type, topic) its operation declares."""
    spec, names = module.spec, module.names
    stem = event.event_type.replace(".", "_")
    model = names.event_model(event.event_type)
    handler = names.event_handler_class(event.event_type)
    module.imports.add(f"..models.model_{stem}_event", model)
    module.imports.add(f"..handlers.{names.event_handler_module(event.event_type)}", handler)
    module.imports.add("uuid", "uuid4").add("onex_support.testing.fixtures", "call")
    carried = event.fields if event.fields is not None else [field.name for field in spec.input_fields]
    values = samples(spec.input_fields, 1, module.imports)
    operation = next(op for op in spec.effective_operations if op.name == event.operation)
    kind = operation.crud_kind if crud is not None else None
    body: Statements = []
    fixtures = ["bus"]
    if crud is not None:
        fixtures.insert(0, "postgres")
        if kind != "create":
            body += crud.insert(1)
    if crud is not None and kind in ("create", "update"):  # the event's values: another sample than the row's
        changed = crud.row(1, changed=3) if kind == "update" else crud.row(1)
        values = {name: changed.get(name, value) for name, value in values.items()}
    given = {name: values[name] for name in carried}
    answered = {field.name for field in output_fields(spec)}  # what the answer has of the event's fields
    body += [
        b.assign("event", b.call(model, correlation_id=b.call("uuid4"), **given)),
        b.assign("answer", b.await_(b.call("call", handler, "event", "bus"))),
        b.assert_(b.compare(b.tuple_("answer.operation", "answer.correlation_id"), "==",
                            b.tuple_(b.string_literal(spec.routed(event.operation)), "event.correlation_id"))),
        *(b.assert_(b.compare(f"answer.{name}", "==", value)) for name, value in given.items() if name in answered),
    ]
    if crud is not None and kind in ("create", "update"):
        if kind == "create":  # the columns the event does not carry stay empty
            written = {column.name: given.get(column.name, b.name("None")) for column in crud.columns}
        else:  # those it does not carry keep their stored values
            written = {**crud.row(1), **{name: value for name, value in given.items() if name in crud.row(1)}}
        body.append(crud.rows_are(written))
    module.test(f"test_{an(stem).replace(' ', '_')}_event_runs_{event.operation}", fixtures, body,
                f"{an(event.event_type, capital=True)} event makes the {event.operation} request from its declared fields.")
    _on_kafka(module, event, crud if crud is not None and crud.key in given else None, kind, given, answered, published)
    _derived_correlation_id(module, event, handler, model, given, crud.insert(1) if crud is not None and kind != "create" else [],
                            fixtures)


def _derived_correlation_id(module: TestModule, event: SubscribedEventSpec, handler: str, model: str,
                            given: dict[str, cst.BaseExpression], before: Statements, fixtures: list[str]) -> None:
    """An event carrying no correlation id gets one derived from its type and content:
    the same on every delivery, on every replica."""
    module.imports.add("uuid", "uuid5").add("json").add("onex_support.handlers.event", "EVENT_NAMESPACE")
    content = b.call("json.dumps", b.call("event.model_dump", mode=b.string_literal("json")), sort_keys=b.name("True"),
                     separators=b.tuple_(b.string_literal(","), b.string_literal(":")))
    body: Statements = [
        *before,
        b.assign("event", b.call(model, **given)),
        b.assign("answer", b.await_(b.call("call", handler, "event", "bus"))),
        b.assert_(b.compare("answer.correlation_id", "==", b.call(
            "uuid5", "EVENT_NAMESPACE", b.binop(b.string_literal(f"{event.event_type}:"), "+", content)))),
    ]
    module.test(f"test_{an(event.event_type.replace('.', '_')).replace(' ', '_')}_event_without_a_correlation_id_gets_one_"
                "from_its_content", fixtures, body, f"{an(event.event_type, capital=True)} event carrying no correlation id: one derived from its type and "
                "content (the same on every delivery).")


def _on_kafka(module: TestModule, event: SubscribedEventSpec, crud: CrudTests | None, kind: str | None,
              given: dict[str, cst.BaseExpression], answered: set[str], published: Sequence[tuple[str, str]]) -> None:
    """Two events on a Kafka broker through RuntimeDispatch (``on_kafka``): the first
    runs the operation once, its answer and declared events reach their topics; the
    second fails (a database node: a key with no row, or a key already stored for a
    create; else a payload the event model refuses) and goes to the dead-letter topic
    after 1 + MAX_RETRIES deliveries; every offset is committed."""
    spec, names = module.spec, module.names
    model = names.event_model(event.event_type)
    module.imports.add("onex_support.testing.dispatch", "on_kafka")
    module.imports.add(f"..models.{names.answer_module}", names.answer_model)
    body: Statements = []
    good = b.call(model, correlation_id=b.call("uuid4"), **given)
    failing: cst.BaseExpression
    deliveries: cst.BaseExpression
    if crud is not None and kind in ("create", "read", "update", "delete"):
        body += crud.insert(1 if kind != "create" else 2)
        bad_values = {**given, crud.key: crud.key_value(2)}
        failing = b.call(model, correlation_id=b.call("uuid4"), **bad_values)
        why = "its key already stored" if kind == "create" else "no row has its key"
        deliveries = b.binop(b.list_(b.call("good.model_dump", mode=b.string_literal("json"))), "+",
                             b.binop(b.list_(b.call("bad.model_dump", mode=b.string_literal("json"))), "*",
                                     b.literal(1 + MAX_RETRIES)))
        dead = b.list_(b.call("bad.model_dump", mode=b.string_literal("json")))
    else:
        failing = b.expr(b.dict_({key: b.string_literal(value) for key, value in MALFORMED.items()}))
        why = "a payload the event model refuses"
        deliveries = b.list_(b.call("good.model_dump", mode=b.string_literal("json")))
        dead = b.list_("bad")
    topics = [topic for _, topic in published]
    body += [
        b.assign("good", good),
        b.assign("bad", failing),
        b.assign("seen", b.await_(b.call(
            "on_kafka", "kafka", names.event_handler_class(event.event_type), b.list_("good", "bad"),
            event_model=model, topic=b.string_literal(event.topic or names.command_topic),
            answer_type=names.answer_model, answer_topic=b.string_literal(names.terminal_topic),
            watch=b.list_(*(b.string_literal(t) for t in topics)), max_retries=b.literal(MAX_RETRIES)))),
        b.assert_(b.compare("seen.handled", "==", deliveries)),
        b.assign(b.list_("answer"), "seen.answers"),
        b.assert_(b.compare(b.tuple_("answer.operation", "answer.correlation_id"), "==",
                            b.tuple_(b.string_literal(spec.routed(event.operation)), "good.correlation_id"))),
        *(b.assert_(b.compare(f"answer.{name}", "==", value)) for name, value in given.items() if name in answered),
        b.assert_(b.compare("seen.dead_letters", "==", dead)),
        b.assert_(b.compare("seen.left", "==", b.literal(0))),
        *(b.assert_(b.compare(
            b.list_comp(b.tuple_(b.subscript("e", b.string_literal("event_type")), b.subscript("e", b.string_literal("payload"))),
                        "e", b.subscript("seen.published", b.string_literal(topic))),
            "==", b.list_(b.tuple_(b.string_literal(event_type), b.call("answer.model_dump", mode=b.string_literal("json"))))))
          for event_type, topic in published),
    ]
    fixtures = ["postgres", "kafka"] if crud is not None else ["kafka"]
    module.test(f"test_{event.event_type.replace('.', '_')}_events_on_kafka_are_answered_or_dead_lettered", fixtures, body,
                f"On a Kafka broker, through the framework's RuntimeDispatch: {an(event.event_type)} event runs "
                f"{event.operation} once, its answer and declared events reach their topics; one that fails "
                f"({why}) is delivered 1 + {MAX_RETRIES} times, then goes to the dead-letter topic; every offset "
                "is committed.")

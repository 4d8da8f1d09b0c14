"""Tests of the events a node consumes: each event's handler makes the request of
its operation from the event's declared fields, runs it (the row written or changed
for a database node), and keeps the event's correlation id."""

from __future__ import annotations

from codegen_ast import builders as b
from codegen_ast.declarative.testgen.common import Statements, TestModule, samples
from codegen_ast.declarative.testgen.crud import CrudTests
from codegen_ast.spec.behaviour import SubscribedEventSpec


def build_consumed_tests(module: TestModule, event: SubscribedEventSpec, crud: CrudTests | None) -> None:
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
    body += [
        b.assign("event", b.call(model, correlation_id=b.call("uuid4"), **given)),
        b.assign("answer", b.await_(b.call("call", handler, "event", "bus"))),
        b.assert_(b.compare(b.tuple_("answer.operation", "answer.correlation_id"), "==",
                            b.tuple_(b.string_literal(spec.routed(event.operation)), "event.correlation_id"))),
        *(b.assert_(b.compare(f"answer.{name}", "==", value)) for name, value in given.items()),
    ]
    if crud is not None and kind in ("create", "update"):
        if kind == "create":  # the columns the event does not carry stay empty
            written = {column.name: given.get(column.name, b.name("None")) for column in crud.columns}
        else:  # those it does not carry keep their stored values
            written = {**crud.row(1), **{name: value for name, value in given.items() if name in crud.row(1)}}
        body.append(crud.rows_are(written))
    module.test(f"test_a_{stem}_event_runs_{event.operation}", fixtures, body,
                f"A {event.event_type} event makes the {event.operation} request from its declared fields.")

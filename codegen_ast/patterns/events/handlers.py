"""Subscribed events: a typed payload model (models/model_<event>_event.py) and a
typed handler (handlers/handler_on_<event>.py) per event type the spec subscribes to.

The payload model holds the input fields the event carries (``fields``, default
all), with the input model's types; fields it does not know are ignored, so a
producer can add fields without breaking this consumer. The handler turns the
event into the request of its operation and runs it through the node's
``process``, so metrics, error mapping and declared events apply as for any
other request.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.files.models import declare_fields
from codegen_ast.files.values import value_imports, value_of
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.events.names import (
    event_stem,
    handler_class,
    handler_module,
    payload_model,
    payload_module,
    subscribed,
)
from codegen_ast.spec import FieldSpec, SubscribedEventSpec
from codegen_ast.target import EVENT_ENVELOPE, EVENT_PAYLOAD_BASE


# the framework's base for payloads carried inside an event envelope


def carried_fields(context: NodeContext, event: SubscribedEventSpec) -> list[FieldSpec]:
    """The input fields the event's payload carries, in the spec's order."""
    names = event.fields
    return [f for f in context.spec.input_fields if names is None or f.name in names]


def build_payload_model(context: NodeContext, event: SubscribedEventSpec) -> cst.Module:
    fields = carried_fields(context, event)
    imports = b.ImportSet().add("pydantic", "ConfigDict").add(*EVENT_PAYLOAD_BASE)
    if any(f.description or not f.required for f in fields):
        imports.add("pydantic", "Field")
    config = b.assign(
        "model_config",
        b.call("ConfigDict", extra=b.string_literal("ignore"), frozen="True", from_attributes="True"),
    )
    doc = (
        f"Payload of the {event.event_type} event, which runs {event.operation}. "
        "Fields it does not declare are ignored (the framework's base forbids them), so producers may add fields."
    )
    model = b.class_(
        payload_model(event.event_type),
        [EVENT_PAYLOAD_BASE.name],
        [config, *declare_fields(fields, imports)],
        doc=doc,
    )
    return b.module([*imports.statements(), model], doc=f"Payload of the {event.event_type} event of {context.spec.class_name}.")


def build_event_handler(context: NodeContext, event: SubscribedEventSpec) -> cst.Module:
    spec = context.spec
    model = payload_model(event.event_type)
    imports = b.ImportSet().add("__future__", "annotations").add("typing", "TYPE_CHECKING").add("uuid", "UUID")
    imports.add(f"..models.{payload_module(event.event_type)}", model)
    imports.add(f"..models.{spec.input_model_file}", context.input_model)
    imports.add(f"..models.{spec.output_model_file}", context.output_model)
    arguments: dict[str, b.ExprLike] = {
        "operation": b.string_literal(spec.routed(event.operation)),
        "correlation_id": "correlation_id",
        **{item.name: f"event.{item.name}" for item in carried_fields(context, event)},
    }
    init = b.method(
        "__init__",
        [Param("node", spec.class_name)],
        [b.assign("self._node", "node")],
        returns="None",
        doc="The operation runs through the node's process: metrics, error mapping and declared events apply.",
    )
    handle = b.method(
        "handle",
        [Param("event", model), Param("correlation_id", "UUID")],
        [
            b.assign("request", b.call(context.input_model, **arguments)),
            b.return_(b.await_(b.call("self._node.process", "request"))),
        ],
        returns=context.output_model,
        is_async=True,
        doc=f"Run {event.operation} with the event's fields, under the event's correlation id.",
    )
    handle_payload = b.method(
        "handle_payload",
        [Param("payload", b.annotation("dict[str, object]")), Param("correlation_id", "UUID")],
        [b.return_(b.await_(b.call("self.handle", b.call(f"{model}.model_validate", "payload"), "correlation_id")))],
        returns=context.output_model,
        is_async=True,
        doc=f"Validate an envelope's payload as {model} (pydantic's ValidationError when it does not fit), then handle it.",
    )
    handler = b.class_(
        handler_class(event.event_type),
        [],
        [init, handle, handle_payload],
        doc=f"{event.event_type} events run the {event.operation} operation of {spec.class_name}.",
    )
    # the node imports its handlers, so a handler names the node's type only for mypy
    type_only = b.if_("TYPE_CHECKING", b.ImportSet().add("..node", spec.class_name).statements())
    return b.module(
        [*imports.statements(), type_only, handler],
        doc=f"Handler of the {event.event_type} event of {spec.class_name}.",
    )


def build_event_files(context: NodeContext) -> Contribution:
    """A payload model and a handler module per subscribed event, re-exported by the package."""
    files = Contribution()
    for event in subscribed(context.spec):
        model, handler = payload_module(event.event_type), handler_module(event.event_type)
        files.modules[f"models/{model}.py"] = build_payload_model(context, event)
        files.modules[f"handlers/{handler}.py"] = build_event_handler(context, event)
        files.model_exports.append((f".{model}", payload_model(event.event_type)))
        files.handler_exports.append((f".{handler}", handler_class(event.event_type)))
    return files


# --- the package's own tests ---------------------------------------------------------


def _message_stand_in() -> cst.ClassDef:
    settled = b.annotation("list[str]")
    recorder = [
        b.method(
            "__init__",
            [Param("topic", "str"), Param("value", "bytes")],
            [
                b.assign("self.topic", "topic"),
                b.assign("self.key", "None", b.annotation("bytes | None")),
                b.assign("self.value", "value"),
                b.assign("self.headers", b.dict_({}), b.annotation("dict[str, str]")),
                b.assign("self.settled", b.list_(), settled),
            ],
            returns="None",
        ),
        *(
            b.method(verb, [], [b.do(b.call("self.settled.append", b.string_literal(verb)))], returns="None", is_async=True)
            for verb in ("ack", "nack")
        ),
    ]
    return b.class_(
        "DeliveredMessageStandIn",
        [],
        recorder,
        doc="In-process stand-in for a message an event bus delivers (ProtocolEventMessage): records ack and nack.",
    )


def _expected_outcome(context: NodeContext, event: SubscribedEventSpec) -> str | None:
    """"ack" or "nack" for a sample event delivered to a node that was never
    initialised; None when the outcome depends on a service the test lacks."""
    spec = context.spec
    operation = next(op for op in spec.effective_operations if op.name == event.operation)
    if spec.database is not None:
        return "nack"  # no database pool before initialize(): the operation fails
    if operation.http is not None or operation.steps is not None:
        return None
    machine = spec.state_machine
    if machine is not None:
        allowed = {t.trigger for t in machine.transitions if t.source == machine.initial_state}
        return "ack" if event.operation in allowed else "nack"
    return "ack"


def _delivery(event_type: str, payload: cst.BaseExpression) -> list[cst.BaseStatement]:
    envelope = b.call(
        b.subscript("ModelEventEnvelope", b.annotation("dict[str, object]")),
        payload=payload,
        event_type=b.string_literal(event_type),
        correlation_id=b.call("uuid4"),
    )
    return [
        b.assign(
            "message",
            b.call("DeliveredMessageStandIn", b.string_literal("events"), b.call(b.attr(b.call(b.attr(envelope, "model_dump_json")), "encode"))),
        ),
        b.do(b.await_(b.call("node.handle_event_message", "message"))),
        b.assign("metrics", b.call("node.get_operation_metrics")),
    ]


def _metric(name: str, value: int) -> cst.BaseStatement:
    return b.assert_(b.compare(b.subscript("metrics", b.string_literal(name)), "==", b.literal(value)))


def _test(name: str, body: list[cst.BaseStatement], node_class: str) -> cst.FunctionDef:
    return b.function(
        name, [Param("node", node_class)], body, returns="None", is_async=True, decorators=["pytest.mark.asyncio"]
    )


def build_event_tests(context: NodeContext, imports: b.ImportSet) -> list[cst.BaseStatement]:
    """Tests of handle_event_message for the generated package: each subscribed
    event runs its operation (acked, or nacked when it fails), and an unknown
    event type is rejected, counted and acked (dropped)."""
    events = subscribed(context.spec) if "event_handlers" in context.selection.patterns else []
    if not events:
        return []
    imports.add(*EVENT_ENVELOPE).add("uuid", "uuid4")
    node_class = context.spec.class_name
    tests: list[cst.BaseStatement] = [_message_stand_in()]
    for event in events:
        outcome = _expected_outcome(context, event)
        if outcome is None:
            continue
        model = payload_model(event.event_type)
        imports.add(f"..models.{payload_module(event.event_type)}", model)
        samples: dict[str, b.ExprLike] = {}
        for item in carried_fields(context, event):
            samples[item.name] = value_of(item.type, sample=True)
            for module, name in value_imports(item.type, sample=True):
                imports.add(module, name)
        payload = b.call(b.attr(b.call(model, **samples), "model_dump"), mode=b.string_literal("json"))
        counter = "events_handled" if outcome == "ack" else "event_operations_failed"
        tests.append(
            _test(
                f"test_{event_stem(event.event_type)}_event_runs_{event.operation}",
                [
                    *_delivery(event.event_type, payload),
                    b.assert_(b.compare("message.settled", "==", b.list_(b.string_literal(outcome)))),
                    _metric("operations", 1),
                    _metric(counter, 1),
                ],
                node_class,
            )
        )
    tests.append(
        _test(
            "test_an_unknown_event_type_is_rejected",
            [
                *_delivery(f"{context.spec.name}.unknown_event", b.dict_({})),
                b.with_leading_comment(
                    b.assert_(b.compare("message.settled", "==", b.list_(b.string_literal("ack")))),
                    "dropped: delivered again, it would fail again",
                ),
                _metric("events_rejected", 1),
                _metric("operations", 0),
            ],
            node_class,
        )
    )
    return tests

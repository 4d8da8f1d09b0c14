"""Events in the declarative shape. Declared events: the operations that publish
each one (``OperationHandler.events``, published by ``onex_support`` after a
success through the runtime's bus). Consumed events: per event type a model of
its payload (``models/model_<event>_event.py``) and an ``EventHandler``
(``handlers/handler_on_<event>.py``) turning it into its operation's request,
routed by payload type (``handler_routing``); redelivery is the runtime's."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.declarative.names import DeclarativeNames
from codegen_ast.declarative.models import maybe, model_fields
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.record import Earlier
from codegen_ast.spec import SubscribedEventSpec
from codegen_ast.spec.names import an


def published_topics(context: NodeContext) -> dict[str, str]:
    """Declared event type -> its topic."""
    from codegen_ast.declarative.kinds import kind_events, step_events

    spec, names = context.spec, DeclarativeNames.of(context.spec)
    topics = {event: names.event_topic(event, None) for event in [*kind_events(spec), *step_events(spec)]}
    if spec.events is not None:
        topics |= {event.event_type: names.event_topic(event.event_type, event.topic) for event in spec.events.publishes}
    return topics


def build_declared(context: NodeContext, earlier: Earlier) -> Contribution:
    spec = context.spec
    if spec.events is None or not spec.events.publishes:
        return Contribution()
    events: dict[str, list[str]] = {}
    for event in spec.events.publishes:
        for operation in event.after or context.operations:
            events.setdefault(operation, []).append(event.event_type)
    topics = published_topics(context)
    return Contribution(
        events=events,
        contract={"yaml_published_events": [{"topic": topic, "event_type": event} for event, topic in topics.items()]},
    )


def _event_model(context: NodeContext, names: DeclarativeNames, event: SubscribedEventSpec) -> cst.Module:
    spec = context.spec
    taken = event.fields if event.fields is not None else [field.name for field in spec.input_fields]
    fields = [field.model_copy(update={"required": False}) for field in spec.input_fields if field.name in taken]
    imports = b.ImportSet().add("uuid", "UUID").add("pydantic", "BaseModel", "ConfigDict", "Field")
    body: list[cst.BaseStatement] = [
        b.assign("model_config", b.call("ConfigDict", frozen=b.name("True"), extra=b.string_literal("ignore"))),
        b.assign("correlation_id", b.call("Field", default=b.name("None"), description=b.string_literal(
            "The event's correlation id, when it carries one.")), maybe("UUID", imports)),
        *model_fields(fields, imports),
    ]
    doc = f"The payload of a {event.event_type} event, as {names.node_class} reads it."
    cls = b.class_(names.event_model(event.event_type), ["BaseModel"], body, doc=doc)
    return b.module([*imports.statements(), cls], doc=doc)


def _event_handler(context: NodeContext, names: DeclarativeNames, event: SubscribedEventSpec) -> cst.Module:
    spec = context.spec
    taken = event.fields if event.fields is not None else [field.name for field in spec.input_fields]
    model_module = f"..models.model_{event.event_type.replace('.', '_')}_event"
    imports = (
        b.ImportSet()
        .add("onex_support.handlers", "EventHandler")
        .add(model_module, names.event_model(event.event_type))
        .add(f"..models.{names.request_module}", names.request_model)
        .add(f"..models.{names.answer_module}", names.answer_model)
        .add(f".{names.handler_module(event.operation)}", names.handler_class(event.operation))
    )
    cls = b.class_(
        names.event_handler_class(event.event_type),
        [b.subscript("EventHandler", names.event_model(event.event_type), names.request_model, names.answer_model)],
        [
            b.assign("event_type", b.string_literal(event.event_type)),
            b.assign("target", names.handler_class(event.operation)),
            b.assign("request_type", names.request_model),
            b.assign("fields", cst.Tuple([cst.Element(b.string_literal(name)) for name in taken])),
        ],
        doc=f"{an(event.event_type, capital=True)} event runs {event.operation} with its fields.",
    )
    exports = b.assign("__all__", b.list_(b.string_literal(names.event_handler_class(event.event_type))))
    return b.module([*imports.statements(), exports, cls], doc=f"The handler of {event.event_type} events.")


def build_consumed(context: NodeContext, earlier: Earlier) -> Contribution:
    spec = context.spec
    if spec.events is None or not spec.events.subscribes:
        return Contribution()
    names = DeclarativeNames.of(spec)
    contribution = Contribution(contract={"yaml_consumed_events": [e.event_type for e in spec.events.subscribes]})
    for event in spec.events.subscribes:
        stem = event.event_type.replace(".", "_")
        model, handler = names.event_model(event.event_type), names.event_handler_class(event.event_type)
        contribution.modules[f"models/model_{stem}_event.py"] = _event_model(context, names, event)
        contribution.modules[f"handlers/{names.event_handler_module(event.event_type)}.py"] = _event_handler(
            context, names, event
        )
        contribution.model_exports.append((f".model_{stem}_event", model))
        contribution.handler_exports.append((f".{names.event_handler_module(event.event_type)}", handler))
        contribution.routes.append({
            "operation": spec.routed(event.operation),
            "subscribe_topic": event.topic or names.event_topic(event.event_type, None),
            "event_model": {"name": model, "module": f"{names.package}.models.model_{stem}_event"},
            "handler": {"name": handler, "module": f"{names.package}.handlers.{names.event_handler_module(event.event_type)}"},
        })
    return contribution

"""Consumed events in node.py: subscribe and unsubscribe per topic, handle each delivered message, settle it (ack or nack)."""

from __future__ import annotations

import libcst as cst

from codegen_ast.patterns import idioms
from codegen_ast import builders as b
from codegen_ast.builders import support
from codegen_ast.builders.support import SupportModule
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import Contribution, LifecycleStep, NodeContext
from codegen_ast.patterns.idioms import Setting, setting_constants
from codegen_ast.spec import NodeSpec
from codegen_ast.patterns.events.names import topic_name, event_constant, handler_class, handler_module, subscribed, tracks_undelivered
from codegen_ast.target import EMITTER_IDENTITY, EVENT_BUS_SUBSCRIBER, EVENT_ENVELOPE, EVENT_MESSAGE

Statements = list[cst.BaseStatement]

COUNTERS = ("events_received", "events_handled", "events_rejected", "event_operations_failed")


def identity_settings(spec: NodeSpec) -> tuple[Setting, ...]:
    """What the node identity is made of; ONEX_ENVIRONMENT and its default are the framework's own."""
    return (
        Setting("ONEX_ENVIRONMENT", "local"),
        Setting("ONEX_SERVICE_NAME", spec.package_name),
        Setting("ONEX_CONSUMER_GROUP_VERSION", f"v{spec.version.split('.')[0]}"),
    )


def _event_handler_type(context: NodeContext) -> str:
    return f"{context.spec.camel}EventHandler"


def _handle_event_message(track: bool) -> cst.FunctionDef:
    def reject(reason: cst.BaseExpression, correlation: b.ExprLike) -> Statements:
        return [
            b.do(b.await_(b.call("self._reject_event", "message", reason, correlation, "event_type"))),
            b.return_(),
        ]

    def settle(done: str) -> cst.BaseStatement:
        return b.do(b.await_(b.call("self._settle_message", "message", done, "correlation_id")))

    envelope_type = b.subscript("ModelEventEnvelope", b.annotation("dict[str, object]"))
    summary = b.call("_validation_summary", "error")
    own_event = [
        idioms.log(
            "DEBUG",
            b.string_literal("skipped one of the node's own events"),
            "correlation_id",
            event_type="event_type",
            topic="message.topic",
        ),
        settle("True"),
        b.return_(),
    ]
    unknown = b.formatted_string(
        "unknown event type ", (b.name("event_type"), "r"), "; expected one of ", b.name("expected")
    )
    return b.method(
        "handle_event_message",
        [Param("message", "ProtocolEventMessage")],
        [
            idioms.count("METRIC_EVENTS_RECEIVED"),
            b.assign("event_type", b.string_literal("")),
            b.try_(
                [b.assign("envelope", b.call(b.attr(envelope_type, "model_validate_json"), "message.value"))],
                [
                    b.except_(
                        "ValidationError",
                        reject(b.formatted_string("not a ModelEventEnvelope in JSON: ", summary), "None"),
                        as_name="error",
                    )
                ],
            ),
            b.assign("event_type", b.or_("envelope.event_type", b.string_literal(""))),
            b.with_leading_comment(
                b.assign("correlation_id", b.or_("envelope.correlation_id", b.call("uuid4"))),
                "an envelope without a correlation id gets one, so the operation's logs and events share it",
            ),
            b.assign("handle", b.call("self._event_handlers.get", "event_type")),
            b.if_(
                b.compare("handle", "is", "None"),
                [
                    b.if_(
                        b.compare("envelope.source_tool", "==", "NODE_NAME"),
                        [b.with_leading_comment(own_event[0], "published by this node to a topic it also reads"), *own_event[1:]],
                    ),
                    b.assign("expected", b.call(b.attr(b.string_literal(", "), "join"), b.call("sorted", "self._event_handlers"))),
                    *reject(unknown, "correlation_id"),
                ],
            ),
            *(
                [
                    b.assign("undelivered", b.list_(), b.annotation("list[str]")),
                    b.assign("token", b.call("UNDELIVERED_EVENTS.set", "undelivered")),
                ]
                if track
                else []
            ),
            b.try_(
                [b.do(b.await_(b.call("handle", "envelope.payload", "correlation_id")))],
                [
                    b.except_(
                        "ValidationError",
                        reject(b.formatted_string("the payload does not fit: ", summary), "correlation_id"),
                        as_name="error",
                    ),
                    b.except_(
                        "Exception",
                        [
                            idioms.count("METRIC_EVENT_OPERATIONS_FAILED"),
                            b.if_(
                                b.and_(
                                    b.call("isinstance", "error", "ModelOnexError"),
                                    b.compare("error.error_code", "not in", "REDELIVERY_CODES"),
                                ),
                                reject(
                                    b.formatted_string(
                                        "its operation failed for good (", b.dotted("error.error_code"), "): ",
                                        b.dotted("error.message"),
                                    ),
                                    "correlation_id",
                                ),
                            ),
                            idioms.log(
                                "WARNING",
                                b.formatted_string(
                                    "handling ", b.name("event_type"), " failed: ",
                                    # our own errors' messages carry no request values; another exception's text might
                                    b.if_exp(b.call("isinstance", "error", "ModelOnexError"), "error.message",
                                             b.attr(b.call("type", "error"), "__name__")),
                                ),
                                "correlation_id",
                                event_type="event_type",
                                topic="message.topic",
                            ),
                            settle("False"),
                            b.return_(),
                        ],
                        as_name="error",
                    ),
                ],
                finally_=[b.do(b.call("UNDELIVERED_EVENTS.reset", "token"))] if track else None,
            ),
            *(
                [
                    b.if_(
                        "undelivered",
                        [
                            idioms.count("METRIC_EVENTS_UNPUBLISHED"),
                            b.assign("missing", b.call(b.attr(b.string_literal(", "), "join"), "undelivered")),
                            idioms.log(
                                "WARNING",
                                b.formatted_string(
                                    "handled ", b.name("event_type"), " but could not publish ", b.name("missing"),
                                    ": delivered again, so that they are published",
                                ),
                                "correlation_id",
                                event_type="event_type",
                                topic="message.topic",
                            ),
                            settle("False"),
                            b.return_(),
                        ],
                    )
                ]
                if track
                else []
            ),
            idioms.count("METRIC_EVENTS_HANDLED"),
            settle("True"),
        ],
        returns="None",
        is_async=True,
        doc=(
            "Subscription callback: decode the ModelEventEnvelope, run the typed handler of its event type and ack. "
            "Malformed JSON, a payload that does not fit and an unknown event type are logged, counted and "
            "acked (dropped: delivered again they would fail again, for good); a failed operation is counted, and "
            "nack'ed to be delivered again when its error may pass (REDELIVERY_CODES), else dropped too. "
            "Nothing is raised to the event bus."
        ),
    )


def _subscription_constants(context: NodeContext, topics: dict[str, str]) -> Statements:
    events = subscribed(context.spec)
    listed = list(dict.fromkeys(e.topic for e in events))
    return [
        *setting_constants(identity_settings(context.spec)),
        b.assign(
            "SUBSCRIBED_TOPICS",
            b.tuple_(*(topic_name(topics, topic) for topic in listed)),
            b.annotation("tuple[str, ...]"),
        ),
        b.assign(
            _event_handler_type(context),
            b.subscript(
                "Callable",
                b.list_(b.annotation("dict[str, object]"), "UUID"),
                b.subscript("Awaitable", context.output_model),
            ),
        ),
        support.statement(SupportModule.EVENTS, "REDELIVERY_CODES"),
        support.function(SupportModule.EVENTS, "node_identity"),
        support.function(SupportModule.EVENTS, "_validation_summary"),
    ]


def build_subscriptions(context: NodeContext, topics: dict[str, str]) -> Contribution:
    spec = context.spec
    events = subscribed(spec)
    handlers = b.dict_(
        [(b.name(event_constant(e.event_type)), b.attr(b.call(handler_class(e.event_type), "self"), "handle_payload")) for e in events]
    )
    return Contribution(
        imports={
            ("os", ""),
            ("uuid", "UUID"),
            ("uuid", "uuid4"),
            ("collections.abc", "Awaitable"),
            ("collections.abc", "Callable"),
            ("pydantic", "ValidationError"),
            EVENT_BUS_SUBSCRIBER,
            EVENT_MESSAGE,
            EMITTER_IDENTITY,
            EVENT_ENVELOPE,
            *((f".handlers.{handler_module(e.event_type)}", handler_class(e.event_type)) for e in events),
        },
        module_statements=_subscription_constants(context, topics),
        init_statements=[
            b.assign(
                "self._event_handlers",
                handlers,
                b.subscript("dict", "str", _event_handler_type(context)),
            ),
            b.assign(
                "self._subscriptions",
                b.list_(),
                b.annotation("list[tuple[str, Callable[[], Awaitable[None]]]]"),
            ),
        ],
        methods=[
            support.method(SupportModule.EVENTS, "EventConsumer", "_subscribe_events"),
            support.method(SupportModule.EVENTS, "EventConsumer", "_unsubscribe_events"),
            _handle_event_message(tracks_undelivered(context)),
            support.method(SupportModule.EVENTS, "EventConsumer", "_reject_event"),
            support.method(SupportModule.EVENTS, "EventConsumer", "_settle_message"),
        ],
        lifecycle=[LifecycleStep("events", "_subscribe_events", "_unsubscribe_events", "EVENT_BUS_ERROR")],
        counters=list(COUNTERS),
    )

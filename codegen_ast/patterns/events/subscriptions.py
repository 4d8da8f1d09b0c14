"""Consumed events in node.py: subscribe and unsubscribe per topic, handle each delivered message, settle it (ack or nack)."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import Contribution, LifecycleStep, NodeContext
from codegen_ast.patterns.integrations.base import Setting, setting, setting_constants
from codegen_ast.spec import NodeSpec
from codegen_ast.patterns.events.names import ENVELOPE, topic_name, event_constant, handler_class, handler_module, subscribed, tracks_undelivered

Statements = list[cst.BaseStatement]

# failures that can pass (a service back up, a row whose creating event comes
# later): their message is nack'ed; any other failed operation would fail the
# same way again, so its message is dropped like a malformed one
REDELIVERY_CODES = (
    "TIMEOUT", "TIMEOUT_ERROR", "NETWORK_ERROR", "DATABASE_CONNECTION_ERROR", "CACHE_CONNECTION_ERROR",
    "CACHE_TIMEOUT_ERROR", "SERVICE_UNAVAILABLE", "DEPENDENCY_UNAVAILABLE", "RESOURCE_UNAVAILABLE",
    "RATE_LIMIT_ERROR", "NOT_FOUND", "OPERATION_FAILED",
)
COUNTERS = ("events_received", "events_handled", "events_rejected", "event_operations_failed")
_SUBSCRIBER = ("omnibase_core.protocols.event_bus.protocol_event_bus_subscriber", "ProtocolEventBusSubscriber")
_MESSAGE = ("omnibase_core.protocols.event_bus.protocol_event_message", "ProtocolEventMessage")
_IDENTITY = ("omnibase_core.models.envelope.model_emitter_identity", "ModelEmitterIdentity")


def _identity_settings(spec: NodeSpec) -> tuple[Setting, ...]:
    """What the node identity is made of; ONEX_ENVIRONMENT and its default are the framework's own."""
    return (
        Setting("ONEX_ENVIRONMENT", "local"),
        Setting("ONEX_SERVICE_NAME", spec.package_name),
        Setting("ONEX_CONSUMER_GROUP_VERSION", f"v{spec.version.split('.')[0]}"),
    )


def _event_handler_type(context: NodeContext) -> str:
    return f"{context.spec.camel}EventHandler"


def _node_identity() -> cst.FunctionDef:
    # a module function: onex validate counts a class's plain methods (at most 10)
    return b.function(
        "node_identity",
        [],
        [
            b.return_(
                b.call(
                    "ModelEmitterIdentity",
                    env=setting("ONEX_ENVIRONMENT"),
                    service=setting("ONEX_SERVICE_NAME"),
                    node_name="NODE_NAME",
                    version=setting("ONEX_CONSUMER_GROUP_VERSION"),
                )
            )
        ],
        returns="ModelEmitterIdentity",
        doc="The node's identity on the event bus, from the environment: the bus derives the consumer group from it ({env}.{service}.{node}.consume.{version}).",
    )


def _subscribe() -> cst.FunctionDef:
    topics = b.call("dict.fromkeys", "SUBSCRIBED_TOPICS")
    not_bound = b.do(
        b.call(
            "self._emit_log",
            "EnumLogLevel.WARNING",
            b.string_literal("no bound event bus can subscribe: subscribed events will not arrive"),
            topics=b.call(b.attr(b.string_literal(","), "join"), topics),
        )
    )
    return b.method(
        "_subscribe_events",
        [],
        [
            b.if_("self._subscriptions", [b.return_()]),
            b.assign("bus", b.call("self._get_event_bus")),
            b.if_(b.not_(b.call("isinstance", "bus", "ProtocolEventBusSubscriber")), [not_bound, b.return_()]),
            b.assign("identity", b.call("node_identity")),
            b.for_(
                "topic",
                topics,
                [
                    b.assign("unsubscribe", b.await_(b.call("bus.subscribe", "topic", "identity", "self.handle_event_message"))),
                    b.do(b.call("self._subscriptions.append", b.tuple_("topic", "unsubscribe"))),
                ],
            ),
            b.do(
                b.call(
                    "self._emit_log",
                    "EnumLogLevel.INFO",
                    b.string_literal("subscribed to events"),
                    topics=b.call(b.attr(b.string_literal(","), "join"), topics),
                )
            ),
        ],
        returns="None",
        is_async=True,
        doc="Subscribe handle_event_message once per topic of a subscribed event, when the bound bus can subscribe.",
    )


def _unsubscribe() -> cst.FunctionDef:
    failed = b.do(
        b.call(
            "self._emit_log",
            "EnumLogLevel.WARNING",
            b.formatted_string("unsubscribing from ", b.name("topic"), " failed: ", (b.name("error"), "r")),
            topic="topic",
        )
    )
    return b.method(
        "_unsubscribe_events",
        [],
        [
            b.assign(
                b.tuple_("subscriptions", "self._subscriptions").with_changes(lpar=[], rpar=[]),
                b.tuple_("self._subscriptions", b.list_()).with_changes(lpar=[], rpar=[]),
            ),
            b.for_(
                "topic, unsubscribe",
                b.call("reversed", "subscriptions"),
                [b.try_([b.do(b.await_(b.call("unsubscribe")))], [b.except_("Exception", [failed], as_name="error")])],
            ),
        ],
        returns="None",
        is_async=True,
        doc="Cancel every subscription, newest first; one failure does not stop the rest; a second call does nothing.",
    )


def _validation_summary() -> cst.FunctionDef:
    location = b.or_(
        b.call(
            b.attr(b.string_literal("."), "join"),
            b.list_comp(b.call("str", "part"), "part", b.subscript("first", b.string_literal("loc"))),
        ),
        b.string_literal("message"),
    )
    return b.function(
        "_validation_summary",
        [Param("error", "ValidationError")],
        [
            b.assign("first", b.subscript(b.call("error.errors", include_url="False"), b.literal(0))),
            b.assign("location", location),
            b.assign("problem", b.subscript("first", b.string_literal("msg"))),
            b.return_(
                b.formatted_string(
                    b.name("location"), ": ", b.name("problem"), " (", b.call("error.error_count"), " problem(s) in all)"
                )
            ),
        ],
        returns="str",
        doc="Where pydantic's first problem is and what it is, e.g. 'amount_paid: Input should be a valid decimal'.",
    )


def _log(level: str, message: cst.BaseExpression, correlation: b.ExprLike, **context: b.ExprLike) -> cst.BaseStatement:
    return b.do(b.call("self._emit_log", f"EnumLogLevel.{level}", message, correlation, **context))


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
        _log(
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
            b.do(b.call("self.increment_counter", "METRIC_EVENTS_RECEIVED")),
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
                            b.do(b.call("self.increment_counter", "METRIC_EVENT_OPERATIONS_FAILED")),
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
                            _log(
                                "WARNING",
                                b.formatted_string("handling ", b.name("event_type"), " failed: ", b.name("error")),
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
                            b.do(b.call("self.increment_counter", "METRIC_EVENTS_UNPUBLISHED")),
                            b.assign("missing", b.call(b.attr(b.string_literal(", "), "join"), "undelivered")),
                            _log(
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
            b.do(b.call("self.increment_counter", "METRIC_EVENTS_HANDLED")),
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


def _reject_event() -> cst.FunctionDef:
    return b.method(
        "_reject_event",
        [
            Param("message", "ProtocolEventMessage"),
            Param("reason", "str"),
            Param("correlation_id", b.annotation("UUID | None")),
            Param("event_type", "str"),
        ],
        [
            b.do(b.call("self.increment_counter", "METRIC_EVENTS_REJECTED")),
            _log(
                "ERROR",
                b.formatted_string(
                    "rejected a message from ", b.dotted("message.topic"), " and dropped it: ", b.name("reason")
                ),
                "correlation_id",
                event_type="event_type",
                topic="message.topic",
            ),
            b.with_leading_comment(
                b.do(b.await_(b.call("self._settle_message", "message", "True", "correlation_id"))),
                "acked: a nack would have it delivered again (with the rest of its partition), to fail again",
            ),
        ],
        returns="None",
        is_async=True,
        doc=(
            "Count the message that can never be handled, log why (with the correlation id when known) "
            "and ack it, so that it does not come back."
        ),
    )


def _settle_message() -> cst.FunctionDef:
    return b.method(
        "_settle_message",
        [Param("message", "ProtocolEventMessage"), Param("done", "bool"), Param("correlation_id", b.annotation("UUID | None"))],
        [
            b.try_(
                [
                    b.if_chain(
                        [
                            ("done", [b.do(b.await_(b.call("message.ack")))]),
                            (
                                b.call("hasattr", "message", b.string_literal("nack")),
                                [
                                    b.with_leading_comment(
                                        b.do(b.await_(b.call("message.nack"))),
                                        "omnibase-core's in-memory buses deliver ModelEventMessage, which has ack() only",
                                    )
                                ],
                            ),
                        ]
                    )
                ],
                [
                    b.except_(
                        "Exception",
                        [
                            _log(
                                "WARNING",
                                b.formatted_string("settling the message failed: ", (b.name("error"), "r")),
                                "correlation_id",
                                topic="message.topic",
                            )
                        ],
                        as_name="error",
                    )
                ],
            )
        ],
        returns="None",
        is_async=True,
        doc=(
            "Ack a message that is done with (handled, or dropped), nack one to be delivered again; a "
            "failure to do so is logged, never raised."
        ),
    )


def _subscription_constants(context: NodeContext, topics: dict[str, str]) -> Statements:
    events = subscribed(context.spec)
    listed = list(dict.fromkeys(e.topic for e in events))
    return [
        *setting_constants(_identity_settings(context.spec)),
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
        b.with_leading_comment(
            b.assign(
                "REDELIVERY_CODES",
                b.call("frozenset", b.set_(*(b.dotted(f"EnumCoreErrorCode.{code}") for code in REDELIVERY_CODES))),
            ),
            "a failed operation with one of these codes may succeed later, so its message is delivered again",
        ),
        _node_identity(),
        _validation_summary(),
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
            _SUBSCRIBER,
            _MESSAGE,
            _IDENTITY,
            ENVELOPE,
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
            _subscribe(),
            _unsubscribe(),
            _handle_event_message(tracks_undelivered(context)),
            _reject_event(),
            _settle_message(),
        ],
        lifecycle=[LifecycleStep("events", "_subscribe_events", "_unsubscribe_events", "EVENT_BUS_ERROR")],
        counters=list(COUNTERS),
    )

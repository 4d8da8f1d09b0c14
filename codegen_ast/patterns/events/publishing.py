"""events: domain events in a ModelEventEnvelope with the correlation id, and the publish_event fix.

``_publish_domain_event`` sends to the bound event bus and/or Kafka; a failed
publish is logged and counted, never raised. In ``ModelServiceEffect`` and ``ModelServiceOrchestrator``,
``MixinNodeService._log_info(message)`` / ``_log_error(message)`` shadow
``MixinEventBus._log_info(message, pattern)`` / ``_log_error(message, pattern,
error=)``: the event is delivered, then a ``TypeError`` is raised. The node
overrides both and dispatches on whether a ``pattern`` was given (the methods of
``onex_support``'s ``LongLivedNode``, which a declarative service shell inherits).
"""

from __future__ import annotations

import libcst as cst

from codegen_ast.patterns import idioms
from codegen_ast import builders as b
from codegen_ast.builders import support
from codegen_ast.builders.definitions import Param
from codegen_ast.builders.support import SupportModule
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.target import EVENT_BUS_DUCK_TYPED, EVENT_BUS_PUBLISHER, EVENT_ENVELOPE, MIXIN_EVENT_BUS, MIXIN_NODE_SERVICE

# The wrappers whose MRO has the defect.
DEFECTIVE_WRAPPERS = frozenset({"ModelServiceEffect", "ModelServiceOrchestrator"})


def _log_info() -> cst.FunctionDef:
    return support.method(SupportModule.ONEX_SERVICE_MODE, "LongLivedNode", "_log_info")


def _log_error() -> cst.FunctionDef:
    return support.method(SupportModule.ONEX_SERVICE_MODE, "LongLivedNode", "_log_error")


def needs_publish_event_fix(context: NodeContext) -> bool:
    """The defect lives wherever MixinNodeService comes before MixinEventBus in the
    MRO: the two wrappers, and a plain base composed with both (MixinNodeService first)."""
    return context.base.name in DEFECTIVE_WRAPPERS or {"MixinNodeService", "MixinEventBus"} <= set(context.selection.mixins)


def build_publish_event_fix(context: NodeContext) -> Contribution:
    if not needs_publish_event_fix(context):
        return Contribution()
    # a plain base imports both mixins already, as its bases
    imports: set[tuple[str, str]] = {MIXIN_NODE_SERVICE, MIXIN_EVENT_BUS} if context.base.name in DEFECTIVE_WRAPPERS else set()
    return Contribution(imports=imports, methods=[_log_info(), _log_error()])


def build_event_publishing(context: NodeContext, *, event_bus: bool, kafka: bool, topics: bool = False) -> Contribution:
    """``_publish_domain_event``: an envelope with the correlation id, sent to
    the bound event bus and/or Kafka; a failure is logged and counted, never
    raised, so publishing can never fail the operation that triggered it.

    With ``topics`` (a node that declares events) it takes the event's topic
    (default ``EVENTS_TOPIC``): Kafka sends to it, and a bound bus that is a
    ``ProtocolEventBusPublisher`` (omnibase-core's ``EventBusInmemory``,
    ``EventBusKafka``) publishes the envelope's JSON to it; any other bus gets
    ``publish_async(envelope)`` as before."""
    envelope = b.call(
        b.subscript("ModelEventEnvelope", b.annotation("dict[str, object]")),
        payload="payload",
        correlation_id="correlation_id",
        event_type="event_type",
        source_tool="NODE_NAME",
    )
    deliveries: list[cst.BaseStatement] = []
    publish_async = [
        b.with_leading_comment(
            b.do(
                b.await_(
                    b.call(
                        b.attr(b.call("cast", "ProtocolEventBusDuckTyped", "bus"), "publish_async"),
                        "envelope",
                    )
                )
            ),
            "the framework's own publish_event delivers through publish_async too",
        ),
        b.assign("delivered", "True"),
    ]
    if topics:
        deliveries.append(b.assign("value", b.call(b.attr(b.call("envelope.model_dump_json"), "encode"))))
    if event_bus and topics:
        to_topic = [
            b.with_leading_comment(
                b.do(b.await_(b.call("bus.publish", "topic", "None", "value"))),
                "a ProtocolEventBus (EventBusInmemory, EventBusKafka) publishes to the event's topic",
            ),
            b.assign("delivered", "True"),
        ]
        deliveries += [
            b.assign("bus", b.call("self._get_event_bus")),
            b.if_chain(
                [
                    (b.call("isinstance", "bus", "ProtocolEventBusPublisher"), to_topic),
                    (b.compare("bus", "is not", "None"), publish_async),
                ]
            ),
        ]
    elif event_bus:
        deliveries += [
            b.assign("bus", b.call("self._get_event_bus")),
            b.if_(b.compare("bus", "is not", "None"), publish_async),
        ]
    if kafka:
        deliveries += [
            b.if_(
                b.compare("self._kafka", "is not", "None"),
                [
                    b.do(
                        b.await_(
                            b.call(
                                "self.kafka_send",
                                "topic" if topics else "EVENTS_TOPIC",
                                "value" if topics else b.call(b.attr(b.call("envelope.model_dump_json"), "encode")),
                            )
                        )
                    ),
                    b.assign("delivered", "True"),
                ],
            )
        ]
    log_context = {"event_type": b.name("event_type")}
    body = [
        b.assign("envelope", envelope),
        b.assign("delivered", "False"),
        b.try_(
            deliveries,
            [
                b.except_(
                    "Exception",
                    [
                        idioms.count("METRIC_EVENTS_FAILED"),
                        idioms.log(
                            "WARNING",
                            b.formatted_string("publishing ", b.name("event_type"), " failed: ", b.name("error")),
                            "correlation_id",
                            **log_context,
                        ),
                        b.return_("False"),
                    ],
                    as_name="error",
                )
            ],
        ),
        b.if_(
            b.not_("delivered"),
            [
                idioms.log("DEBUG", "no event bus bound and no kafka producer: event not published", "correlation_id", **log_context),
                b.return_("False"),
            ],
        ),
        idioms.count("METRIC_EVENTS_PUBLISHED"),
        b.return_("True"),
    ]
    publish = b.method(
        "_publish_domain_event",
        [
            Param("event_type", "str"),
            Param("payload", b.annotation("dict[str, object]")),
            Param("correlation_id", b.annotation("UUID | None")),
            *([Param("topic", "str", "EVENTS_TOPIC")] if topics else []),
        ],
        body,
        returns="bool",
        is_async=True,
        doc="Publish one event in a ModelEventEnvelope; returns whether it was delivered.",
    )
    constants = [
        b.assign(
            "EVENTS_TOPIC",
            idioms.environment_value("ONEX_EVENTS_TOPIC", f"onex.events.{context.spec.name}.v1"),
        )
    ]
    return Contribution(
        imports={
            ("os", ""),
            ("uuid", "UUID"),
            ("typing", "cast"),
            EVENT_ENVELOPE,
            EVENT_BUS_DUCK_TYPED,
            *([EVENT_BUS_PUBLISHER] if topics and event_bus else []),
        },
        module_statements=constants,
        methods=[publish],
        counters=["events_published", "events_failed"],
    )

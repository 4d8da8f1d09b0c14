"""events: domain events in a ModelEventEnvelope with the correlation id, and the publish_event fix.

``_publish_domain_event`` sends to the bound event bus and/or Kafka; a failed
publish is logged and counted, never raised. In ``ModelServiceEffect`` and ``ModelServiceOrchestrator``,
``MixinNodeService._log_info(message)`` / ``_log_error(message)`` shadow
``MixinEventBus._log_info(message, pattern)`` / ``_log_error(message, pattern,
error=)``: the event is delivered, then a ``TypeError`` is raised. The node
overrides both and dispatches on whether a ``pattern`` was given.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import Contribution, NodeContext

# The wrappers whose MRO has the defect.
DEFECTIVE_WRAPPERS = frozenset({"ModelServiceEffect", "ModelServiceOrchestrator"})
_NODE_SERVICE = ("omnibase_core.mixins.mixin_node_service", "MixinNodeService")
_EVENT_BUS = ("omnibase_core.mixins.mixin_event_bus", "MixinEventBus")


def _log_info() -> cst.FunctionDef:
    return b.method(
        "_log_info",
        [Param("message", "str"), Param("pattern", b.annotation("str | None"), "None")],
        [
            b.if_(
                b.compare("pattern", "is", "None"),
                [b.do(b.call("MixinNodeService._log_info", "self", "message"))],
                [b.do(b.call("MixinEventBus._log_info", "self", "message", "pattern"))],
            )
        ],
        returns="None",
        doc="Serve both callers: MixinNodeService (message) and MixinEventBus (message, pattern).",
    )


def _log_error() -> cst.FunctionDef:
    return b.method(
        "_log_error",
        [
            Param("message", "str"),
            Param("pattern", b.annotation("str | None"), "None"),
            Param("error", b.annotation("BaseException | None"), "None"),
        ],
        [
            b.if_(
                b.compare("pattern", "is", "None"),
                [
                    b.if_(
                        b.compare("error", "is not", "None"),
                        [b.assign("message", b.formatted_string(b.name("message"), ": ", (b.name("error"), "r")))],
                    ),
                    b.do(b.call("MixinNodeService._log_error", "self", "message")),
                ],
                [b.do(b.call("MixinEventBus._log_error", "self", "message", "pattern", error="error"))],
            )
        ],
        returns="None",
        doc="Serve both callers: MixinNodeService (message) and MixinEventBus (message, pattern, error=).",
    )


def build_publish_event_fix(context: NodeContext) -> Contribution:
    if context.base.name not in DEFECTIVE_WRAPPERS:
        return Contribution()
    return Contribution(imports={_NODE_SERVICE, _EVENT_BUS}, methods=[_log_info(), _log_error()])


def build_event_publishing(context: NodeContext, *, event_bus: bool, kafka: bool) -> Contribution:
    """``_publish_domain_event``: an envelope with the correlation id, sent to
    the bound event bus and/or Kafka; a failure is logged and counted, never
    raised, so publishing can never fail the operation that triggered it."""
    envelope = b.call(
        b.subscript("ModelEventEnvelope", b.annotation("dict[str, object]")),
        payload="payload",
        correlation_id="correlation_id",
        event_type="event_type",
        source_tool="NODE_NAME",
    )
    deliveries: list[cst.BaseStatement] = []
    if event_bus:
        deliveries += [
            b.assign("bus", b.call("self._get_event_bus")),
            b.if_(
                b.compare("bus", "is not", "None"),
                [
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
                ],
            ),
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
                                "EVENTS_TOPIC",
                                b.call(b.attr(b.call("envelope.model_dump_json"), "encode")),
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
                        b.do(b.call("self.increment_counter", "METRIC_EVENTS_FAILED")),
                        b.do(
                            b.call(
                                "self._emit_log",
                                "EnumLogLevel.WARNING",
                                b.formatted_string("publishing ", b.name("event_type"), " failed: ", b.name("error")),
                                "correlation_id",
                                **log_context,
                            )
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
                b.do(
                    b.call(
                        "self._emit_log",
                        "EnumLogLevel.DEBUG",
                        b.string_literal("no event bus bound and no kafka producer: event not published"),
                        "correlation_id",
                        **log_context,
                    )
                ),
                b.return_("False"),
            ],
        ),
        b.do(b.call("self.increment_counter", "METRIC_EVENTS_PUBLISHED")),
        b.return_("True"),
    ]
    publish = b.method(
        "_publish_domain_event",
        [
            Param("event_type", "str"),
            Param("payload", b.annotation("dict[str, object]")),
            Param("correlation_id", b.annotation("UUID | None")),
        ],
        body,
        returns="bool",
        is_async=True,
        doc="Publish one event in a ModelEventEnvelope; returns whether it was delivered.",
    )
    constants = [
        b.assign(
            "EVENTS_TOPIC",
            b.call(
                "os.getenv",
                b.string_literal("ONEX_EVENTS_TOPIC"),
                b.string_literal(f"onex.events.{context.spec.name}.v1"),
            ),
        )
    ]
    return Contribution(
        imports={
            ("os", ""),
            ("uuid", "UUID"),
            ("typing", "cast"),
            ("omnibase_core.models.events.model_event_envelope", "ModelEventEnvelope"),
            ("omnibase_core.protocols.protocol_event_bus_duck_typed", "ProtocolEventBusDuckTyped"),
        },
        module_statements=constants,
        methods=[publish],
        counters=["events_published", "events_failed"],
    )

"""kafka: an aiokafka producer; its health is the client's state.

Kafka has no cheap ping: the check reports DEGRADED before the producer is
started and UNHEALTHY while the most recent send failed. Configuration from
the environment: ``KAFKA_BOOTSTRAP_SERVERS``, ``KAFKA_CLIENT_ID``.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import ErrorMapping, NodeContext
from codegen_ast.patterns.record import Example
from codegen_ast.patterns.integrations import declarative
from codegen_ast.patterns.integrations.base import (
    integration_pattern,
    Integration,
    Statements,
    helper,
    ready_client,
)
from codegen_ast.patterns.idioms import Setting, setting
from codegen_ast.target import Symbol


def _create() -> Statements:
    producer = b.call(
        "AIOKafkaProducer",
        bootstrap_servers=setting("KAFKA_BOOTSTRAP_SERVERS"),
        client_id=setting("KAFKA_CLIENT_ID"),
    )
    return [b.assign("client", producer), b.do(b.await_(b.call("client.start")))]


def _close() -> Statements:
    return [b.do(b.await_(b.call("client.stop")))]


def _probe() -> Statements:
    return [
        b.if_(
            b.compare("self._kafka_last_error", "is not", "None"),
            [
                b.raise_(
                    b.call(
                        "ConnectionError",
                        b.formatted_string("the last send failed: ", b.dotted("self._kafka_last_error")),
                    )
                )
            ],
        )
    ]


def _helpers(context: NodeContext) -> list[cst.FunctionDef]:
    return [
        helper(
            "kafka_send",
            [
                Param("topic", "str"),
                Param("value", "bytes"),
                Param("key", b.annotation("bytes | None"), "None", keyword_only=True),
            ],
            [
                *ready_client(KAFKA),
                b.try_(
                    [b.do(b.await_(b.call("client.send_and_wait", "topic", value="value", key="key")))],
                    [
                        b.except_(
                            "Exception",
                            [b.assign("self._kafka_last_error", b.call("repr", "error")), b.raise_()],
                            as_name="error",
                        )
                    ],
                ),
                b.assign("self._kafka_last_error", "None"),
            ],
            "None",
            "Send one message and wait for the broker's acknowledgement (counted as a kafka send).",
        )
    ]


KAFKA = Integration(
    name="kafka",
    client_annotation="AIOKafkaProducer",
    imports=frozenset({("aiokafka", "AIOKafkaProducer"), ("aiokafka.errors", "")}),
    settings=(
        Setting("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
        Setting("KAFKA_CLIENT_ID", "onex-node"),
    ),
    create=_create,
    close=_close,
    probe=_probe,
    failure_code="SERVICE_UNAVAILABLE",
    counter="kafka_sends",
    helpers=_helpers,
    errors=(
        ErrorMapping(Symbol("aiokafka.errors", "KafkaTimeoutError"), "TIMEOUT"),
        ErrorMapping(Symbol("aiokafka.errors", "KafkaConnectionError"), "SERVICE_UNAVAILABLE"),
        ErrorMapping(Symbol("aiokafka.errors", "KafkaError"), "EVENT_BUS_ERROR"),
    ),
    state=lambda: [b.assign("self._kafka_last_error", "None", b.annotation("str | None"))],
)

PATTERN = integration_pattern(
    KAFKA,
    "an aiokafka producer; its health is the client's state.",
    Example(
        before="producer = KafkaProducer()  # never started, never stopped",
        after="await self.kafka_send(topic, payload)",
    ),
    ("tests/test_events_declared.py", "tests/test_live_services.py"),
    declarative=declarative.kafka,
)

"""Declared events (examples/payments_events_effect.yaml): subscribed events run
their operation against a real PostgreSQL, the declared event is published with
the correlation id to its topic, and bad messages are refused without raising.

The event bus is omnibase-core's own ``EventBusInmemory`` (subscribe + publish);
it delivers ``ModelEventMessage``, which has ``ack()`` but no ``nack()``, so the
paths that must nack use a small message stand-in instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.errors import ModelOnexError
from omnibase_core.event_bus.event_bus_inmemory import EventBusInmemory
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.contracts import ModelContractEffect
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope

from codegen_ast.errors import CodegenError
from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
from codegen_ast.spec import NodeSpec
from tests.imports import imported
from tests.services import KafkaBroker, PostgresServer, unique_topic

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "payments_events_effect.yaml"
PLACED = "onex.evt.orders.order-placed.v1"
CAPTURED = "onex.evt.payments.payment-captured.v1"
PAID = "onex.evt.payments.order-paid.v1"


@pytest.fixture(scope="module")
def payments(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    package = generate(read_node_spec(EXAMPLE)).write(tmp_path_factory.mktemp("events"))
    with imported(package) as module:
        yield module


async def _migrate(server: PostgresServer, package: ModuleType) -> None:
    migration = Path(package.__file__).parent / "migrations" / "001_create_order_payments.sql"
    connection = await asyncpg.connect(**server.connect_kwargs())
    try:
        await connection.execute('DROP TABLE IF EXISTS "order_payments"')
        await connection.execute(migration.read_text())
    finally:
        await connection.close()


def _envelope(event_type: str, payload: dict[str, object], correlation_id: UUID, source: str = "shop") -> Any:
    return ModelEventEnvelope[dict[str, object]](
        payload=payload, event_type=event_type, correlation_id=correlation_id, source_tool=source
    )


async def _envelopes(bus: EventBusInmemory, topic: str) -> list[ModelEventEnvelope[dict[str, object]]]:
    history = await bus.get_event_history(limit=100, topic=topic)
    return [ModelEventEnvelope[dict[str, object]].model_validate_json(message.value) for message in history]


async def test_subscribed_events_run_their_operation_and_publish_the_declared_event(
    payments: ModuleType, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _migrate(postgres_server, payments)
    monkeypatch.setenv("POSTGRES_DSN", postgres_server.dsn)
    bus = EventBusInmemory()
    await bus.start()
    node = payments.NodePaymentsEffect(ModelONEXContainer())
    node.bind_event_bus(bus)
    await node.initialize()
    try:
        # one subscription per topic
        assert await bus.get_subscriber_count(PLACED) == 1
        assert await bus.get_subscriber_count(CAPTURED) == 1

        placed, captured = uuid4(), uuid4()
        await bus.publish_envelope(_envelope("order.placed", {"order_id": "A-1", "amount_due": "12.50"}, placed), PLACED)
        # a producer's extra field is ignored; a payment.captured event marks the order paid
        payment = {"order_id": "A-1", "amount_paid": "12.50", "payment_id": "pay-7", "provider": "acme"}
        await bus.publish_envelope(_envelope("payment.captured", payment, captured), CAPTURED)

        row = await node.process(payments.ModelPaymentsInput(operation="get_order", order_id="A-1"))
        assert (row.amount_due, row.amount_paid, row.payment_id) == (Decimal("12.50"), Decimal("12.50"), "pay-7")

        # exactly the declared event, after mark_paid only, to its topic, with the event's correlation id
        [paid] = await _envelopes(bus, PAID)
        assert (paid.event_type, paid.correlation_id, paid.source_tool) == ("order.paid", captured, "payments")
        assert paid.payload == {"order_id": "A-1", "amount_due": "12.50", "amount_paid": "12.50", "payment_id": "pay-7"}
        assert await _envelopes(bus, payments.node.EVENTS_TOPIC) == []  # no default completed events

        metrics = node.get_operation_metrics()
        assert (metrics["events_received"], metrics["events_handled"], metrics["events_rejected"]) == (2, 2, 0)
        assert (metrics["operations"], metrics["successes"], metrics["events_published"]) == (3, 3, 1)
    finally:
        await node.cleanup()
    # cleanup unsubscribed; a second cleanup is harmless
    assert await bus.get_subscriber_count() == 0
    await node.cleanup()
    await bus.publish_envelope(_envelope("order.placed", {"order_id": "B-2"}, uuid4()), PLACED)
    assert node.get_operation_metrics()["events_received"] == 2
    await bus.close()


@dataclass
class MessageStandIn:
    """STAND-IN for a delivered ProtocolEventMessage that records ack/nack."""

    value: bytes
    topic: str = CAPTURED
    key: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    settled: list[str] = field(default_factory=list)

    async def ack(self) -> None:
        self.settled.append("ack")

    async def nack(self) -> None:
        self.settled.append("nack")


@pytest.fixture
def logs(payments: ModuleType, monkeypatch: pytest.MonkeyPatch) -> list[tuple[EnumLogLevel, str, UUID | None]]:
    """The node's log lines (level, message, correlation id), recorded as the node emits them."""
    recorded: list[tuple[EnumLogLevel, str, UUID | None]] = []
    original = payments.NodePaymentsEffect._emit_log

    def record(self: Any, level: EnumLogLevel, message: str, correlation_id: UUID | None = None, **context: object) -> None:
        recorded.append((level, message, correlation_id))
        original(self, level, message, correlation_id, **context)

    monkeypatch.setattr(payments.NodePaymentsEffect, "_emit_log", record)
    return recorded


def _bytes(event_type: str, payload: dict[str, object], correlation_id: UUID, source: str = "shop") -> bytes:
    return _envelope(event_type, payload, correlation_id, source).model_dump_json().encode()


@pytest.mark.parametrize(
    ("case", "value", "reason"),
    [
        ("bad json", b"{not json", "not a ModelEventEnvelope in JSON"),
        ("not an envelope", json.dumps({"payload": 1, "unexpected": True}).encode(), "not a ModelEventEnvelope in JSON"),
        ("payload does not fit", None, "the payload does not fit: amount_paid"),
        ("required field missing", None, "the payload does not fit: order_id"),
        ("unknown event type", None, "unknown event type 'order.cancelled'"),
    ],
)
async def test_bad_messages_are_logged_counted_and_dropped_never_raised(
    payments: ModuleType, logs: list[tuple[EnumLogLevel, str, UUID | None]], case: str, value: bytes | None, reason: str
) -> None:
    node = payments.NodePaymentsEffect(ModelONEXContainer())
    correlation_id = uuid4()
    if value is None:
        event_type, payload = {
            "payload does not fit": ("payment.captured", {"order_id": "A-1", "amount_paid": "lots"}),
            "required field missing": ("payment.captured", {"amount_paid": "1.00"}),
            "unknown event type": ("order.cancelled", {"order_id": "A-1"}),
        }[case]
        value = _bytes(event_type, payload, correlation_id)
    message = MessageStandIn(value)
    assert await node.handle_event_message(message) is None
    # acknowledged, not nacked: a nack has the bus deliver it again (and, on a partitioned log,
    # every later message of its partition) -- forever, since it can never be handled
    assert message.settled == ["ack"]
    metrics = node.get_operation_metrics()
    assert (metrics["events_received"], metrics["events_rejected"], metrics["operations"]) == (1, 1, 0)
    [(level, text, logged_id)] = [entry for entry in logs if "rejected" in entry[1]]
    assert level == EnumLogLevel.ERROR and reason in text
    # the correlation id is logged whenever the message carried a readable envelope
    assert logged_id == (None if case in ("bad json", "not an envelope") else correlation_id)


async def test_a_failing_operation_is_counted_and_nacked_for_redelivery(
    payments: ModuleType, logs: list[tuple[EnumLogLevel, str, UUID | None]]
) -> None:
    node = payments.NodePaymentsEffect(ModelONEXContainer())  # not initialised: no database pool
    correlation_id = uuid4()
    message = MessageStandIn(_bytes("payment.captured", {"order_id": "A-1"}, correlation_id))
    await node.handle_event_message(message)
    assert message.settled == ["nack"]
    metrics = node.get_operation_metrics()
    assert (metrics["event_operations_failed"], metrics["failures"], metrics["events_rejected"]) == (1, 1, 0)
    assert any("handling payment.captured failed" in text and cid == correlation_id for _, text, cid in logs)


async def test_a_redelivered_event_whose_operation_fails_for_good_is_dropped_not_redelivered_forever(
    payments: ModuleType, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch,
    logs: list[tuple[EnumLogLevel, str, UUID | None]],
) -> None:
    """At-least-once delivery brings order.placed twice: the second INSERT meets the
    key (DATABASE_QUERY_ERROR), which no redelivery can change, so it is acked and
    counted as rejected -- a nack would bring it back, and the rest of its partition
    behind it, for good."""
    await _migrate(postgres_server, payments)
    monkeypatch.setenv("POSTGRES_DSN", postgres_server.dsn)
    node = payments.NodePaymentsEffect(ModelONEXContainer())
    await node.initialize()
    try:
        correlation_id = uuid4()
        first, again = (
            MessageStandIn(_bytes("order.placed", {"order_id": "D-1", "amount_due": "5.00"}, correlation_id), topic=PLACED)
            for _ in range(2)
        )
        await node.handle_event_message(first)
        await node.handle_event_message(again)
        assert (first.settled, again.settled) == (["ack"], ["ack"])
        metrics = node.get_operation_metrics()
        assert (metrics["events_handled"], metrics["event_operations_failed"], metrics["events_rejected"]) == (1, 1, 1)
        [(level, text, logged_id)] = [entry for entry in logs if "rejected" in entry[1]]
        assert level == EnumLogLevel.ERROR and logged_id == correlation_id
        assert "failed for good" in text and "DATABASE_QUERY_ERROR" in text
        row = await node.process(payments.ModelPaymentsInput(operation="get_order", order_id="D-1"))
        assert row.amount_due == Decimal("5.00")
    finally:
        await node.cleanup()


class FlakyBusStandIn:
    """STAND-IN for an event bus (publish_async only) that refuses its first `failures` envelopes."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.published: list[Any] = []

    async def publish_async(self, envelope: Any) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the bus is away")
        self.published.append(envelope)


async def test_a_declared_event_that_could_not_be_published_has_its_message_delivered_again(
    payments: ModuleType, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch,
    logs: list[tuple[EnumLogLevel, str, UUID | None]],
) -> None:
    """payment.captured runs mark_paid, then order.paid must go out: when publishing
    fails, the consumed message is nacked, so its redelivery runs the (idempotent)
    update again and publishes -- at least once, never lost silently."""
    await _migrate(postgres_server, payments)
    monkeypatch.setenv("POSTGRES_DSN", postgres_server.dsn)
    node = payments.NodePaymentsEffect(ModelONEXContainer())
    bus = FlakyBusStandIn(failures=1)
    node.bind_event_bus(bus)
    await node.initialize()
    try:
        await node.process(payments.ModelPaymentsInput(operation="open_order", order_id="P-1", amount_due=Decimal("3.00")))
        correlation_id = uuid4()
        payment = {"order_id": "P-1", "amount_paid": "3.00", "payment_id": "pay-9"}
        first, again = (MessageStandIn(_bytes("payment.captured", payment, correlation_id)) for _ in range(2))

        await node.handle_event_message(first)
        assert first.settled == ["nack"] and bus.published == []
        assert node.get_operation_metrics()["events_unpublished"] == 1
        assert any("could not publish order.paid" in text and cid == correlation_id for _, text, cid in logs)

        await node.handle_event_message(again)  # the bus delivers it again
        assert again.settled == ["ack"]
        [paid] = bus.published
        assert (paid.event_type, paid.correlation_id, paid.payload["payment_id"]) == ("order.paid", correlation_id, "pay-9")
        # outside a message's handling, a failed publish is only counted (it never fails an operation)
        bus.failures = 1
        await node.process(payments.ModelPaymentsInput(operation="mark_paid", order_id="P-1", payment_id="pay-9"))
        assert node.get_operation_metrics()["events_unpublished"] == 1
    finally:
        await node.cleanup()


async def test_the_nodes_own_events_are_acknowledged_and_skipped(payments: ModuleType) -> None:
    node = payments.NodePaymentsEffect(ModelONEXContainer())
    message = MessageStandIn(_bytes("order.paid", {"order_id": "A-1"}, uuid4(), source="payments"), topic=PAID)
    await node.handle_event_message(message)
    assert message.settled == ["ack"]
    metrics = node.get_operation_metrics()
    assert (metrics["events_rejected"], metrics["operations"]) == (0, 0)


async def test_typed_handler_runs_the_operation_through_process(payments: ModuleType) -> None:
    node = payments.NodePaymentsEffect(ModelONEXContainer())
    handler = payments.handlers.HandlerOnOrderPlaced(node)
    event = payments.models.ModelOrderPlacedEvent(order_id="C-3")
    correlation_id = uuid4()
    with pytest.raises(ModelOnexError) as caught:  # process maps the missing pool to a typed error
        await handler.handle(event, correlation_id)
    assert caught.value.error_code == EnumCoreErrorCode.DATABASE_CONNECTION_ERROR
    metrics = node.get_operation_metrics()
    assert (metrics["operations"], metrics["failures"]) == (1, 1)


async def test_without_a_bus_that_subscribes_initialize_warns_and_goes_on(
    payments: ModuleType,
    postgres_server: PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
    logs: list[tuple[EnumLogLevel, str, UUID | None]],
) -> None:
    monkeypatch.setenv("POSTGRES_DSN", postgres_server.dsn)
    node = payments.NodePaymentsEffect(ModelONEXContainer())
    await node.initialize()
    await node.cleanup()
    assert any(level == EnumLogLevel.WARNING and "no bound event bus can subscribe" in text for level, text, _ in logs)


def test_contract_lists_the_topics_and_events_for_the_framework(payments: ModuleType) -> None:
    contract = ModelContractEffect.from_yaml((Path(payments.__file__).parent / "contract.yaml").read_text())
    assert contract.event_bus is not None
    assert (contract.event_bus.subscribe_topics, contract.event_bus.publish_topics) == ([PLACED, CAPTURED], [PAID])
    assert [e.event_type for e in contract.yaml_consumed_events] == ["order.placed", "payment.captured"]
    assert [(e.event_type, e.topic) for e in contract.yaml_published_events] == [("order.paid", PAID)]


def _spec(**events: Any) -> NodeSpec:
    return NodeSpec.model_validate(
        {
            "name": "relay",
            "node_type": "effect",
            "description": "Relays events.",
            "operations": ["forward", "archive"],
            "input_fields": [{"name": "item_id", "type": "str"}, {"name": "note", "type": "str", "required": False}],
            "output_fields": [{"name": "item_id", "type": "str"}],
            "events": events,
            "dependencies": ["kafka"],
        }
    )


async def test_kafka_publishes_declared_events_to_their_topics(
    tmp_path: Path, kafka_broker: KafkaBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    forwarded_topic = await kafka_broker.create_topic(unique_topic("relay.forwarded"))
    handled_topic = await kafka_broker.create_topic(unique_topic("relay.handled"))
    spec = _spec(
        publishes=[
            {"event_type": "item.forwarded", "after": ["forward"], "topic": forwarded_topic},
            {"event_type": "item.handled"},  # after every operation, to ONEX_EVENTS_TOPIC
        ]
    )
    monkeypatch.setenv("ONEX_EVENTS_TOPIC", handled_topic)  # read when the package is imported
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_broker.bootstrap_servers)
    with imported(generate(spec).write(tmp_path)) as relay:
        node = relay.NodeRelayEffect(ModelONEXContainer())
        await node.initialize()
        try:
            request = relay.ModelRelayInput(operation="forward", item_id="X-1")
            await node.process(request)
            await node.process(relay.ModelRelayInput(operation="archive", item_id="X-2"))
        finally:
            await node.cleanup()
    [forwarded] = await kafka_broker.records(forwarded_topic)
    envelope = json.loads(forwarded.value)
    assert (envelope["event_type"], envelope["correlation_id"]) == ("item.forwarded", str(request.correlation_id))
    assert envelope["payload"] == {"item_id": "X-1"}
    handled = [json.loads(record.value) for record in await kafka_broker.records(handled_topic)]
    assert [(e["event_type"], e["payload"]["item_id"]) for e in handled] == [
        ("item.handled", "X-1"),
        ("item.handled", "X-2"),
    ]


@pytest.mark.parametrize(
    ("events", "problem"),
    [
        ({"subscribes": [{"event_type": "item.sent", "operation": "forward", "fields": ["note"]}]}, "leaves out 'item_id'"),
        (
            {"subscribes": [{"event_type": "item.sent_out", "operation": "forward"}, {"event_type": "item_sent.out", "operation": "archive"}]},
            "would both get the handler",
        ),
    ],
)
def test_spec_refuses_subscriptions_that_cannot_work(events: dict[str, Any], problem: str) -> None:
    with pytest.raises((ValueError, CodegenError)) as caught:
        _spec(**events)
    assert problem in str(caught.value)

"""Kafka on a real broker (Tansu): the fallback publisher bounded with the broker
down and probing the broker for real; the transport passes the framework's own
transport conformance suite; on it, the framework's RuntimeDispatch redelivers a
failing event a bounded number of times and then dead-letters it, with our
EventHandler raising (never settling) its failures."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID, uuid4

import aiokafka.admin
import pytest
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_core.runtime.runtime_dispatch import DispatchRoute, RuntimeDispatch
from omnibase_core.runtime.transport.runtime_transport_conformance import (
    CONFORMANCE_TOPIC,
    TransportConformanceSuite,
)
from pydantic import BaseModel, ConfigDict, Field

from onex_support.errors import onex_error
from onex_support.events import DeclaredEvent, publish_event
from onex_support.handlers import EventHandler, OperationHandler
from onex_support.kafka_bus import KafkaPublisher, KafkaTransport
from onex_support.resources import NodeResources, Registry
from tests.services import KafkaBroker
from tests.support.helpers import SECRET, assert_no_secret

ORDER_PAID = DeclaredEvent("order.paid", "onex.evt.payments.order-paid.v1")


@pytest.fixture
def kafka_env(kafka_broker: KafkaBroker, monkeypatch: pytest.MonkeyPatch) -> KafkaBroker:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_broker.bootstrap_servers)
    monkeypatch.setenv("KAFKA_PUBLISH_TIMEOUT_S", "1")
    monkeypatch.setenv("KAFKA_CONNECT_TIMEOUT_S", "1")
    monkeypatch.setenv("HEALTH_CHECK_TIMEOUT_S", "2")
    return kafka_broker


async def test_the_publisher_delivers_events_when_the_runtime_injects_no_bus(kafka_env: KafkaBroker) -> None:
    topic = await kafka_env.create_topic()
    kafka = KafkaPublisher("payments")
    resources = NodeResources("payments", kafka, publisher=kafka)
    await resources.acquire()
    try:
        delivered = await publish_event(
            None, DeclaredEvent("order.paid", topic), {"amount": Decimal("0.30")}, uuid4(), resources, key="o-1"
        )
        assert delivered and (await resources.health_check_async()).status == "healthy"
    finally:
        await resources.release()
    [record] = await kafka_env.records(topic)
    envelope = json.loads(record.value)
    assert record.key == b"o-1" and envelope["event_type"] == "order.paid"
    assert envelope["payload"] == {"amount": "0.30"}


async def test_with_the_broker_down_a_publish_fails_within_its_timeout_and_health_says_so(
    kafka_env: KafkaBroker,
) -> None:
    kafka = KafkaPublisher("payments")
    resources = NodeResources("payments", kafka, publisher=kafka)
    await resources.acquire()
    try:
        with kafka_env.stopped():
            started = time.monotonic()
            with pytest.raises(ModelOnexError) as raised:
                await kafka.publish("onex.evt.payments.order-paid.v1", None, b"{}")
            elapsed = time.monotonic() - started
            assert raised.value.error_code == EnumCoreErrorCode.EVENT_BUS_ERROR
            assert elapsed < 1.5, elapsed  # KAFKA_PUBLISH_TIMEOUT_S, not aiokafka's 40 s
            delivered = await publish_event(None, ORDER_PAID, {}, uuid4(), resources)
            assert not delivered and resources.metric("events_failed") == 1
            status = await resources.health_check_async()
            assert status.status == "degraded" and "kafka health check failed" in status.issues[0].message
    finally:
        await resources.release()


async def test_a_node_starts_without_the_broker_and_publishes_once_it_is_back(kafka_env: KafkaBroker) -> None:
    kafka = KafkaPublisher("payments")
    resources = NodeResources("payments", kafka, publisher=kafka)
    with kafka_env.stopped():
        started = time.monotonic()
        await resources.acquire()  # not critical: the node starts
        assert time.monotonic() - started < 1.5
    try:
        topic = await kafka_env.create_topic()
        assert await publish_event(None, DeclaredEvent("order.paid", topic), {}, uuid4(), resources)
        assert len(await kafka_env.records(topic)) == 1
    finally:
        await resources.release()


async def test_a_critical_publisher_stops_the_start(kafka_env: KafkaBroker) -> None:
    resources = NodeResources("payments", KafkaPublisher("payments", critical=True))
    with kafka_env.stopped():
        with pytest.raises(ModelOnexError) as raised:
            await resources.acquire()
    assert raised.value.error_code == EnumCoreErrorCode.EVENT_BUS_ERROR
    assert "could not start kafka" in raised.value.message


class TestKafkaTransportConformance(TransportConformanceSuite):
    """The framework's transport conformance suite (the one its docstring says a
    Kafka transport must pass), run on KafkaTransport against Tansu."""

    @pytest.fixture
    async def transport_producer(self, kafka_env: KafkaBroker) -> AsyncIterator[KafkaTransport]:
        admin = aiokafka.admin.AIOKafkaAdminClient(bootstrap_servers=kafka_env.bootstrap_servers)
        await admin.start()
        try:  # a fresh topic for each test: the suite uses one fixed name
            if CONFORMANCE_TOPIC in await admin.list_topics():
                await admin.delete_topics([CONFORMANCE_TOPIC])
        finally:
            await admin.close()
        await kafka_env.create_topic(CONFORMANCE_TOPIC, partitions=4)
        producer = KafkaTransport()
        await producer.start()
        yield producer
        await producer.close()

    @pytest.fixture
    def transport_consumer_factory(self, kafka_env: KafkaBroker) -> Callable[..., KafkaTransport]:
        run = uuid4().hex[:8]  # groups of their own: the broker keeps committed offsets

        def factory(*, group: str, topics: list[str]) -> KafkaTransport:
            return KafkaTransport(group=f"{group}-{run}", topics=topics)

        return factory


class PaymentCaptured(BaseModel):
    """A consumed event."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    order_id: str
    amount: Decimal
    card: str = ""


class PaymentsInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    operation: Literal["mark_paid"]
    correlation_id: UUID = Field(default_factory=uuid4)
    order_id: str
    amount: Decimal | None = None


class PaymentsOutput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    operation: str
    correlation_id: UUID
    order_id: str
    amount: Decimal | None = None


REGISTRY: Registry[NodeResources] = Registry(lambda: NodeResources("payments"))


class HandlerMarkPaid(OperationHandler[PaymentsInput, PaymentsOutput, NodeResources]):
    """``missing-*`` orders do not exist; ``flaky-*`` ones time out on their first try."""

    operation = "mark_paid"
    registry = REGISTRY
    seen: list[PaymentsInput] = []

    async def run(self, request: PaymentsInput, resources: NodeResources) -> PaymentsOutput:
        tries = sum(1 for seen in self.seen if seen.order_id == request.order_id)
        self.seen.append(request)
        if request.order_id.startswith("missing"):
            raise onex_error("no order has that id", EnumCoreErrorCode.NOT_FOUND, request.correlation_id)
        if request.order_id.startswith("flaky") and tries == 0:
            raise onex_error("the ledger did not answer", EnumCoreErrorCode.TIMEOUT, request.correlation_id)
        return PaymentsOutput(
            operation=request.operation,
            correlation_id=request.correlation_id,
            order_id=request.order_id,
            amount=request.amount,
        )


class HandlerPaymentCaptured(EventHandler[PaymentCaptured, PaymentsInput, PaymentsOutput]):
    event_type = "payment.captured"
    target = HandlerMarkPaid
    request_type = PaymentsInput
    fields = ("order_id", "amount")


def envelope(event: PaymentCaptured) -> bytes:
    return (
        ModelEventEnvelope[dict[str, object]](
            payload=event.model_dump(mode="json"), correlation_id=uuid4(), event_type="payment.captured"
        )
        .model_dump_json()
        .encode()
    )


async def test_runtime_dispatch_redelivers_a_failing_event_a_bounded_number_of_times_then_dead_letters_it(
    kafka_env: KafkaBroker, logs: pytest.LogCaptureFixture
) -> None:
    run = uuid4().hex[:8]  # topics of their own, named as the runtime wants them
    inbound = await kafka_env.create_topic(f"onex.evt.payments-{run}.payment-captured.v1")
    outbound = await kafka_env.create_topic(f"onex.evt.payments-{run}.payments-completed.v1")
    events = [
        PaymentCaptured(order_id="o-1", amount=Decimal("0.30"), card=SECRET),
        PaymentCaptured(order_id="missing-2", amount=Decimal("5"), card=SECRET),
        PaymentCaptured(order_id="flaky-3", amount=Decimal("7.25")),
    ]
    producer = kafka_env.producer()
    await producer.start()
    for event in events:
        await producer.send_and_wait(inbound, envelope(event))
    await producer.stop()

    HandlerMarkPaid.seen = []
    group = f"payments-{uuid4().hex[:8]}"
    consumer, sender = KafkaTransport(group=group, topics=[inbound]), KafkaTransport()
    await sender.start()
    handler = HandlerPaymentCaptured()
    dispatch = RuntimeDispatch(
        consumer=consumer,
        producer=sender,
        routing_map={
            inbound: DispatchRoute(
                name="payments",
                handler=handler,
                published_events={"PaymentsOutput": outbound},
                input_model_cls=PaymentCaptured,
            )
        },
        poll_timeout_ms=100,
        max_retries=3,
    )
    try:
        await dispatch.drain(max_cycles=20)
    finally:
        await consumer.close()
        await sender.close()
        await handler.shutdown()

    tries: dict[str, int] = {}
    for request in HandlerMarkPaid.seen:
        tries[request.order_id] = tries.get(request.order_id, 0) + 1
    assert tries == {"o-1": 1, "missing-2": 4, "flaky-3": 2}  # 1 + max_retries, then the DLQ
    # a redelivered event makes the same request: the same correlation id each time
    assert len({r.correlation_id for r in HandlerMarkPaid.seen if r.order_id == "missing-2"}) == 1

    answers = [json.loads(record.value)["payload"] for record in await kafka_env.records(outbound)]
    assert [(a["order_id"], a["amount"]) for a in answers] == [("o-1", "0.30"), ("flaky-3", "7.25")]
    [dead] = await kafka_env.records(f"{inbound}.dlq")
    assert dead.value == envelope_bytes_of(events[1], dead.value)

    again = KafkaTransport(group=group, topics=[inbound])  # everything was committed
    await again.start()
    try:
        assert await again.poll(max_messages=10, timeout_ms=200) == []
    finally:
        await again.close()
    assert_no_secret(logs)


def envelope_bytes_of(event: PaymentCaptured, raw: bytes) -> bytes:
    """``raw`` when it is the envelope of ``event`` (the DLQ keeps the original bytes)."""
    assert json.loads(raw)["payload"] == event.model_dump(mode="json")
    return raw


async def test_an_event_that_makes_no_valid_request_is_a_validation_error_without_its_values(
    logs: pytest.LogCaptureFixture,
) -> None:
    class Strict(PaymentsInput):
        order_id: str = Field(pattern=r"^o-\d+$")

    class Handler(HandlerPaymentCaptured):
        request_type = Strict

    handler = Handler()
    try:
        with pytest.raises(ModelOnexError) as raised:
            await handler.handle(PaymentCaptured(order_id=SECRET, amount=Decimal("1")))
    finally:
        await handler.shutdown()
    assert raised.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    assert "order_id: String should match pattern" in raised.value.message
    assert_no_secret(logs)

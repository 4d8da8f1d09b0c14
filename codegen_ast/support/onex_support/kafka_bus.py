"""Kafka (aiokafka): a publisher for a node's events when the runtime injects no
bus, and a transport for the framework's RuntimeDispatch.

``KafkaPublisher`` is a node resource with the bus's ``publish``: every publish
waits for the broker's acknowledgement at most ``KAFKA_PUBLISH_TIMEOUT_S`` (5), so
a broker that is down costs an operation that long, not aiokafka's 40 s; its
health check asks the broker for its metadata. A node starts without the broker
(its events are then not delivered, and counted) unless the publisher is critical.

``KafkaTransport`` is a ``ProtocolTransportConsumer`` and
``ProtocolTransportProducer`` on one broker: the framework's ``RuntimeDispatch``
polls it, commits what was handled, redelivers what failed (``max_retries``, 3 by
default) and then sends the message to its dead-letter topic (``<topic>.dlq``).
It reads every partition of its topics and commits in its consumer group.

Settings: ``KAFKA_BOOTSTRAP_SERVERS`` (127.0.0.1:9092), ``KAFKA_CLIENT_ID``
(onex-<node>), ``KAFKA_PUBLISH_TIMEOUT_S`` (5), ``KAFKA_CONNECT_TIMEOUT_S`` (5),
``KAFKA_POLL_CATCHUP_S`` (1: how long an empty poll waits for records the broker
has but has not sent yet).

(Named ``kafka_bus``, not ``kafka``: a module named like a library would shadow it
when this folder is a script's directory.)
"""

import asyncio
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import aiokafka  # type: ignore[import-untyped, unused-ignore]
import aiokafka.errors  # type: ignore[import-untyped, unused-ignore]
from aiokafka.structs import TopicPartition  # type: ignore[import-untyped, unused-ignore]
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.models.runtime.model_transport_message import ModelTransportMessage
from omnibase_core.protocols.event_bus.protocol_event_bus_headers import (
    ProtocolEventBusHeaders,
)

from onex_support.errors import Classification, Failure, onex_error
from onex_support.logs import EnumLogLevel, emit_log
from onex_support.settings import setting_float, setting_str

__all__ = ["KafkaPublisher", "KafkaTransport", "classify_kafka"]

BOOTSTRAP_DEFAULT = "127.0.0.1:9092"


class PayloadLogFilter(logging.Filter):
    """aiokafka's producer logs every message's key and value at DEBUG: an event's
    payload (request values) would reach the logs. The line keeps their sizes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            isinstance(record.args, tuple)
            and len(record.args) == 3
            and str(record.msg).startswith("Sending (key=")
        ):
            key, value, partition = record.args
            record.args = (_size(key), _size(value), partition)
        return True


def _size(data: object) -> str:
    return (
        "None"
        if data is None
        else f"<{len(data) if isinstance(data, bytes) else '?'} bytes>"
    )


logging.getLogger("aiokafka.producer.producer").addFilter(PayloadLogFilter())


def classify_kafka(error: BaseException) -> Classification:
    if isinstance(error, aiokafka.errors.KafkaError):
        return Failure(
            EnumCoreErrorCode.EVENT_BUS_ERROR, f"kafka {type(error).__name__}", True
        )
    return None


def _header_items(headers: ProtocolEventBusHeaders | None) -> list[tuple[str, bytes]]:
    """The bus headers worth carrying as Kafka headers."""
    if headers is None:
        return []
    items = []
    for name in ("correlation_id", "event_type", "content_type", "source"):
        value = getattr(headers, name, None)
        if value is not None:
            items.append((name, str(value).encode()))
    return items


class KafkaPublisher:
    """An aiokafka producer with the bus's ``publish``, each publish bounded."""

    name = "kafka"
    start_error = EnumCoreErrorCode.EVENT_BUS_ERROR

    def __init__(self, node: str, *, critical: bool = False) -> None:
        self.node = node
        self.critical = critical
        self.bootstrap_servers = setting_str(
            "KAFKA_BOOTSTRAP_SERVERS", BOOTSTRAP_DEFAULT
        )
        self.client_id = setting_str("KAFKA_CLIENT_ID", f"onex-{node}")
        self.publish_timeout_s = setting_float(
            "KAFKA_PUBLISH_TIMEOUT_S", 5.0, positive=True
        )
        self.connect_timeout_s = setting_float(
            "KAFKA_CONNECT_TIMEOUT_S", 5.0, positive=True
        )
        self._producer: Any = None
        self._connecting = asyncio.Lock()
        self._wanted = False
        self.sends = 0

    @property
    def started(self) -> bool:
        return self._wanted

    async def start(self) -> None:
        """Connect (bounded); a publisher that is not critical starts without the
        broker and connects on its first publish."""
        self._wanted = True
        try:
            await self._connect(self.connect_timeout_s)
        except Exception as error:
            if self.critical:
                self._wanted = False
                raise
            emit_log(
                EnumLogLevel.WARNING,
                f"kafka is not reachable ({type(error).__name__}): events are not "
                "delivered until it is",
                self.node,
            )

    async def _connect(self, timeout_s: float) -> Any:
        """The started producer; one connects at a time, the others wait for it."""
        async with self._connecting:
            if self._producer is not None:
                return self._producer
            producer = aiokafka.AIOKafkaProducer(
                bootstrap_servers=self.bootstrap_servers,
                client_id=self.client_id,
                acks="all",
                request_timeout_ms=max(1, int(self.publish_timeout_s * 1000)),
            )
            try:
                async with asyncio.timeout(timeout_s):
                    await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer
            return producer

    async def stop(self) -> None:
        self._wanted = False
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    async def probe(self) -> None:
        """Ask the broker for its metadata (raises when none answers)."""
        producer = await self._connect(self.connect_timeout_s)
        await producer.client.fetch_all_metadata()

    def classify(self, error: BaseException) -> Classification:
        return classify_kafka(error)

    async def publish(
        self,
        topic: str,
        key: bytes | None,
        value: bytes,
        headers: ProtocolEventBusHeaders | None = None,
    ) -> None:
        """Send one message and wait for the broker's acknowledgement, at most
        KAFKA_PUBLISH_TIMEOUT_S: EVENT_BUS_ERROR (retryable) when it does not come."""
        if not self._wanted:
            raise onex_error(
                "kafka is not started: the handler must be initialized first",
                EnumCoreErrorCode.INVALID_STATE,
                retryable=False,
            )
        self.sends += 1
        try:
            async with asyncio.timeout(self.publish_timeout_s):
                producer = await self._connect(self.publish_timeout_s)
                await producer.send_and_wait(
                    topic, value=value, key=key, headers=_header_items(headers)
                )
        except Exception as error:
            reason = (
                f"no acknowledgement within {self.publish_timeout_s} s"
                if isinstance(error, TimeoutError)
                else type(error).__name__
            )
            raise onex_error(
                f"kafka publish to {topic} failed: {reason}",
                EnumCoreErrorCode.EVENT_BUS_ERROR,
                topic=topic,
            ) from None


class KafkaTransport:
    """The transport RuntimeDispatch runs on: a producer, and (with ``topics``) a
    consumer reading every partition of ``topics``, committing in ``group``."""

    def __init__(
        self,
        *,
        group: str = "",
        topics: Sequence[str] = (),
        bootstrap_servers: str | None = None,
        client_id: str = "onex-runtime",
    ) -> None:
        self.group = group
        self.topics = tuple(topics)
        self.bootstrap_servers = bootstrap_servers or setting_str(
            "KAFKA_BOOTSTRAP_SERVERS", BOOTSTRAP_DEFAULT
        )
        self.client_id = setting_str("KAFKA_CLIENT_ID", client_id)
        self.publish_timeout_s = setting_float(
            "KAFKA_PUBLISH_TIMEOUT_S", 5.0, positive=True
        )
        self.catchup_s = setting_float("KAFKA_POLL_CATCHUP_S", 1.0, minimum=0.0)
        self._producer: Any = None
        self._consumer: Any = None

    async def start(self) -> None:
        if self._producer is None:
            producer = aiokafka.AIOKafkaProducer(
                bootstrap_servers=self.bootstrap_servers,
                client_id=self.client_id,
                acks="all",
                request_timeout_ms=max(1, int(self.publish_timeout_s * 1000)),
            )
            await producer.start()
            self._producer = producer
        if self.topics and self._consumer is None:
            consumer = aiokafka.AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap_servers,
                client_id=self.client_id,
                group_id=self.group or None,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
            )
            await consumer.start()
            await consumer.topics()  # load the metadata of every topic
            partitions = [
                TopicPartition(topic, partition)
                for topic in self.topics
                for partition in sorted(consumer.partitions_for_topic(topic) or ())
            ]
            consumer.assign(partitions)
            self._consumer = consumer

    async def close(self) -> None:
        consumer, self._consumer = self._consumer, None
        producer, self._producer = self._producer, None
        if consumer is not None:
            await consumer.stop()
        if producer is not None:
            await producer.stop()

    def _require_consumer(self) -> Any:
        if self._consumer is None:
            raise onex_error(
                "the kafka transport has no consumer: give it topics and start it",
                EnumCoreErrorCode.INVALID_STATE,
                retryable=False,
            )
        return self._consumer

    async def poll(
        self, *, max_messages: int, timeout_ms: int
    ) -> Sequence[ModelTransportMessage]:
        """Up to ``max_messages`` records, in offset order per partition. An empty
        fetch while the broker holds unread records waits for them (at most
        KAFKA_POLL_CATCHUP_S): a fetch that has not arrived yet is not "nothing"."""
        consumer = self._require_consumer()
        batches = await consumer.getmany(
            timeout_ms=timeout_ms, max_records=max_messages
        )
        loop = asyncio.get_running_loop()
        ends = loop.time() + self.catchup_s
        while not any(batches.values()) and loop.time() < ends and await self._behind():
            batches = await consumer.getmany(timeout_ms=50, max_records=max_messages)
        messages = [
            ModelTransportMessage(
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                key=record.key,
                value=record.value,
                headers={name: value for name, value in record.headers or ()},
                ack_token=(partition, record.offset),
            )
            for partition in sorted(batches, key=lambda tp: (tp.topic, tp.partition))
            for record in batches[partition]
        ]
        return messages

    async def _behind(self) -> bool:
        consumer = self._require_consumer()
        assigned = list(consumer.assignment())
        if not assigned:
            return False
        ends = await consumer.end_offsets(assigned)
        for partition in assigned:
            if await consumer.position(partition) < ends[partition]:
                return True
        return False

    async def commit(self, message: object) -> None:
        """Commit every offset up to and including ``message``'s on its partition."""
        partition, offset = _token(message)
        await self._require_consumer().commit({partition: offset + 1})

    async def nack(self, message: object) -> None:
        """Read ``message`` and the later offsets of its partition again."""
        partition, offset = _token(message)
        self._require_consumer().seek(partition, offset)

    async def send(
        self,
        topic: str,
        key: bytes | None,
        value: bytes,
        headers: Mapping[str, bytes],
    ) -> None:
        """Send and wait for the acknowledgement, at most KAFKA_PUBLISH_TIMEOUT_S."""
        if self._producer is None:
            raise onex_error(
                "the kafka transport is not started",
                EnumCoreErrorCode.INVALID_STATE,
                retryable=False,
            )
        try:
            async with asyncio.timeout(self.publish_timeout_s):
                await self._producer.send_and_wait(
                    topic, value=value, key=key, headers=list(headers.items())
                )
        except Exception as error:
            raise onex_error(
                f"kafka send to {topic} failed: {type(error).__name__}",
                EnumCoreErrorCode.EVENT_BUS_ERROR,
                topic=topic,
            ) from None


def _token(message: object) -> tuple[Any, int]:
    token = getattr(message, "ack_token", None)
    if not (isinstance(token, tuple) and len(token) == 2):
        raise onex_error(
            "not a message this transport polled (no ack token)",
            EnumCoreErrorCode.INVALID_PARAMETER,
            retryable=False,
        )
    partition, offset = token
    return partition, int(offset)

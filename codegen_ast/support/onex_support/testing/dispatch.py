"""Consumed events on a real Kafka-wire broker, through the framework's
``RuntimeDispatch`` (``omnibase_core.runtime.runtime_dispatch``), as a node runs
when a runtime routes topics to its event handlers.

``on_kafka`` publishes events on a topic of their own, lets ``RuntimeDispatch``
poll them through ``KafkaTransport`` into a new handler (its events published with
a ``KafkaPublisher`` on the same broker), and reports what happened: what the handler
was given (a redelivered event appears once per delivery), the answers on the answer
topic, what went to the dead-letter topic, the events the handler published, and how
many records the consumer group would still read (0: every offset committed).

Topics get a run id in their producer segment (``onex.evt.<producer>-<run>.<event>.v1``)
so that runs sharing a broker never read each other's records; the events a handler
publishes on its declared topics are picked out by correlation id.
"""

import asyncio
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import uuid4

import aiokafka  # type: ignore[import-untyped, unused-ignore]
import aiokafka.admin  # type: ignore[import-untyped, unused-ignore]
from aiokafka.structs import TopicPartition  # type: ignore[import-untyped, unused-ignore]
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_core.runtime.runtime_dispatch import DispatchRoute, RuntimeDispatch
from pydantic import BaseModel

from onex_support.kafka_bus import KafkaPublisher, KafkaTransport

__all__ = ["Dispatched", "on_kafka"]

AnswerT = TypeVar("AnswerT", bound=BaseModel)


@dataclass(frozen=True)
class Dispatched(Generic[AnswerT]):
    """What ``RuntimeDispatch`` did with the events: ``handled`` (each delivery the
    handler was given, as its JSON payload, in order), ``answers`` (on the answer
    topic), ``dead_letters`` (payloads on ``<topic>.dlq``), ``published`` (envelopes
    on each watched topic that carry one of the events' correlation ids) and ``left``
    (records the consumer group would still read)."""

    handled: list[dict[str, Any]]
    answers: list[AnswerT]
    dead_letters: list[dict[str, Any]]
    published: dict[str, list[dict[str, Any]]]
    left: int


class DeliveryRecorder:
    """The handler as the runtime calls it, noting each event it is given."""

    def __init__(self, handler: Any, handled: list[dict[str, Any]]) -> None:
        self.handler = handler
        self.handled = handled
        # what the runtime calls (its handler protocol has ``handle`` as an attribute)
        self.handle: Callable[..., object] = self._record

    async def _record(self, event: BaseModel) -> object:
        self.handled.append(event.model_dump(mode="json"))
        result: object = await self.handler.handle(event)
        return result


def _own(topic: str, run: str) -> str:
    """``topic`` with ``run`` in its producer segment (ONEX topic names), else appended."""
    parts = topic.split(".")
    if len(parts) >= 4 and parts[0] == "onex":
        parts[2] = f"{parts[2]}-{run}"
        return ".".join(parts)
    return f"{topic}-{run}"


async def _create(bootstrap: str, topics: Sequence[str]) -> None:
    admin = aiokafka.admin.AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [aiokafka.admin.NewTopic(t, num_partitions=1, replication_factor=1) for t in topics]
        )
    finally:
        await admin.close()


async def records(bootstrap: str, topic: str, timeout_s: float = 10.0) -> list[bytes]:
    """The value of every record on ``topic`` now, in offset order (read without a group)."""
    consumer = aiokafka.AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        if topic not in await consumer.topics():
            return []
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        found: list[Any] = []
        async with asyncio.timeout(timeout_s):
            while [p for p in partitions if await consumer.position(p) < end[p]]:
                for batch in (await consumer.getmany(*partitions, timeout_ms=100)).values():
                    found.extend(batch)
    finally:
        await consumer.stop()
    return [r.value for r in sorted(found, key=lambda r: (r.partition, r.offset))]


async def on_kafka(
    bootstrap: str,
    handler_type: Any,
    events: Sequence[BaseModel | Mapping[str, object]],
    *,
    event_model: type[BaseModel],
    topic: str,
    answer_type: type[AnswerT],
    answer_topic: str,
    watch: Sequence[str] = (),
    max_retries: int = 2,
) -> Dispatched[AnswerT]:
    """``events`` (models, or raw payloads) published as the framework's envelopes on
    (a run's copy of) ``topic``, then drained by ``RuntimeDispatch`` into a new
    ``handler_type`` (its payloads validated into ``event_model``, as for a
    ``payload_type_match`` route) with ``max_retries`` redeliveries per event."""
    run = uuid4().hex[:8]
    inbound, outbound = _own(topic, run), _own(answer_topic, run)
    await _create(bootstrap, [inbound, outbound, f"{inbound}.dlq"])
    payloads = [e.model_dump(mode="json") if isinstance(e, BaseModel) else dict(e) for e in events]
    producer = aiokafka.AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for payload in payloads:
            envelope = ModelEventEnvelope[dict[str, object]](payload=payload, correlation_id=uuid4())
            await producer.send_and_wait(inbound, envelope.model_dump_json().encode())
    finally:
        await producer.stop()

    publisher = KafkaPublisher("generated-tests")
    await publisher.start()
    handler = handler_type(None, publisher)
    handled: list[dict[str, Any]] = []
    group = f"generated-tests-{run}"
    consumer, sender = KafkaTransport(group=group, topics=[inbound]), KafkaTransport()
    await sender.start()
    dispatch = RuntimeDispatch(
        consumer=consumer,
        producer=sender,
        routing_map={
            inbound: DispatchRoute(
                name=type(handler).__name__,
                handler=DeliveryRecorder(handler, handled),
                published_events={answer_type.__name__: outbound},
                input_model_cls=event_model,
            )
        },
        poll_timeout_ms=100,
        max_retries=max_retries,
    )
    try:
        await dispatch.drain(max_cycles=10 * (max_retries + 1) * max(1, len(payloads)))
    finally:
        await consumer.close()
        await sender.close()
        await handler.shutdown()
        await publisher.stop()

    again = KafkaTransport(group=group, topics=[inbound])
    await again.start()
    try:
        left = len(await again.poll(max_messages=100, timeout_ms=200))
    finally:
        await again.close()
    ids = {str(p.get("correlation_id")) for p in payloads}
    published = {
        watched: [e for e in map(json.loads, await records(bootstrap, watched)) if e.get("correlation_id") in ids]
        for watched in watch
    }
    return Dispatched(
        handled=handled,
        answers=[answer_type.model_validate(json.loads(v)["payload"]) for v in await records(bootstrap, outbound)],
        dead_letters=[json.loads(v)["payload"] for v in await records(bootstrap, f"{inbound}.dlq")],
        published=published,
        left=left,
    )

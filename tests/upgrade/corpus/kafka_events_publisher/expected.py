"""Publishes shipment events to Kafka."""

from __future__ import annotations

import json
import asyncio
import functools
import os
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Concatenate, cast
from uuid import UUID

from aiokafka import AIOKafkaProducer  # type: ignore[import-untyped]
from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes import NodeEffect
import aiokafka.errors  # type: ignore[import-untyped, unused-ignore]
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.enums.enum_node_lifecycle_status import EnumNodeLifecycleStatus
from omnibase_core.errors import ModelOnexError
from omnibase_core.logging.logging_structured import emit_log_event_sync
from omnibase_core.mixins import MixinEventBus, MixinHealthCheck
from omnibase_core.mixins.mixin_metrics import MixinMetrics
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_core.models.health.model_health_issue import ModelHealthIssue
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.protocols.protocol_event_bus_duck_typed import ProtocolEventBusDuckTyped
from omnibase_core.types.typed_dict_mixin_types import TypedDictMetricEntry
from pydantic import ValidationError

TOPIC = "shipments.v1"

NODE_NAME = "shipments"
HEALTH_CHECK_MODE_ENV = "ONEX_HEALTH_CHECK_MODE"
HEALTH_CHECK_TIMEOUT_ENV = "HEALTH_CHECK_TIMEOUT_S"
TRUE_VALUES = frozenset({"1", "true", "yes", "on"})


def _detect_health_check_mode(container: ModelONEXContainer) -> bool:
    """The container's config decides; otherwise the environment variable."""
    configured = container.config.get("health_check_mode")
    if configured is not None:
        return bool(configured)
    flag = os.getenv(HEALTH_CHECK_MODE_ENV, "").strip().lower()
    return flag in TRUE_VALUES


KAFKA_BOOTSTRAP_SERVERS_ENV = "KAFKA_BOOTSTRAP_SERVERS"
KAFKA_BOOTSTRAP_SERVERS_DEFAULT = "127.0.0.1:9092"
KAFKA_CLIENT_ID_ENV = "KAFKA_CLIENT_ID"
KAFKA_CLIENT_ID_DEFAULT = "onex-node"
EVENTS_TOPIC = os.getenv("ONEX_EVENTS_TOPIC", "onex.events.shipments.v1")


def _record_metrics[**P, R](
    entry: Callable[Concatenate[Any, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, R]]:
    """Count every call of ``entry``, its outcome and duration (the node's _record_operation)."""
    operation: str = getattr(entry, "__name__", "process")

    @functools.wraps(entry)
    async def recorded(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> R:
        started = time.perf_counter()
        succeeded = False
        try:
            result = await entry(self, *args, **kwargs)
            succeeded = True
            return result
        finally:
            await self._record_operation(operation, started, succeeded)

    return recorded


def _map_errors[**P, R](
    entry: Callable[Concatenate[Any, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, R]]:
    """Turn exceptions escaping ``entry`` into ModelOnexError with specific codes (the node's _wrap_error)."""
    operation: str = getattr(entry, "__name__", "process")

    @functools.wraps(entry)
    async def mapped(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> R:
        found = getattr(args[0], "correlation_id", None) if args else None
        correlation_id = found if isinstance(found, UUID) else None
        try:
            return await entry(self, *args, **kwargs)
        except ModelOnexError as error:
            self._emit_log(
                EnumLogLevel.ERROR,
                error.message,
                error.correlation_id,
                operation=operation,
                error_code=str(error.error_code),
            )
            raise
        except ValidationError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.VALIDATION_ERROR, operation, correlation_id
            ) from error
        except aiokafka.errors.KafkaTimeoutError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.TIMEOUT, operation, correlation_id
            ) from error
        except aiokafka.errors.KafkaConnectionError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.SERVICE_UNAVAILABLE, operation, correlation_id
            ) from error
        except aiokafka.errors.KafkaError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.EVENT_BUS_ERROR, operation, correlation_id
            ) from error
        except TimeoutError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.TIMEOUT, operation, correlation_id
            ) from error
        except Exception as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.OPERATION_FAILED, operation, correlation_id
            ) from error

    return mapped


METRIC_OPERATIONS = "shipments.operations"
METRIC_SUCCESSES = "shipments.successes"
METRIC_FAILURES = "shipments.failures"
METRIC_KAFKA_SENDS = "shipments.kafka_sends"
METRIC_EVENTS_PUBLISHED = "shipments.events_published"
METRIC_EVENTS_FAILED = "shipments.events_failed"
METRIC_DURATION_MS_LAST = "shipments.duration_ms_last"
METRIC_DURATION_MS_TOTAL = "shipments.duration_ms_total"


def _metric_value(recorded: dict[str, TypedDictMetricEntry], name: str) -> float:
    """The recorded value of one metric, 0.0 when it was never recorded."""
    entry = recorded.get(name)
    return 0.0 if entry is None else float(entry["value"])


_UNHEALTHY_STATES = frozenset(
    {
        EnumNodeLifecycleStatus.FAILED.value,
        EnumNodeLifecycleStatus.CLEANED_UP.value,
        EnumNodeLifecycleStatus.CLEANUP_FAILED.value,
    }
)


class NodeShipmentsEffect(NodeEffect, MixinHealthCheck, MixinEventBus[Any, Any], MixinMetrics):
    """Announces shipments."""

    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)
        self.producer = AIOKafkaProducer(bootstrap_servers="localhost:9092")
        self._health_check_mode = _detect_health_check_mode(container)
        self._health_timeout_s = float(os.getenv(HEALTH_CHECK_TIMEOUT_ENV, "5"))
        self._kafka: AIOKafkaProducer | None = None
        self._kafka_last_error: str | None = None
        self._started = False
        self._duration_ms_total = 0.0

    @_record_metrics
    @_map_errors
    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        payload = json.dumps(dict(input_data.operation_data)).encode()
        await self.producer.send_and_wait(TOPIC, payload)
        return ModelEffectOutput(
            result={"published": True},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

    def _emit_log(
        self,
        level: EnumLogLevel,
        message: str,
        correlation_id: UUID | None = None,
        **context: object,
    ) -> None:
        """One structured log line with the node id and correlation id."""
        emit_log_event_sync(
            level,
            message,
            {
                "node_id": str(self.node_id),
                "node": NODE_NAME,
                "correlation_id": (
                    None if correlation_id is None else str(correlation_id)
                ),
                **context,
            },
        )

    async def _start_kafka(self) -> None:
        """Create the kafka client from the environment unless one was injected."""
        if self._kafka is None:
            client = AIOKafkaProducer(
                bootstrap_servers=os.getenv(
                    KAFKA_BOOTSTRAP_SERVERS_ENV, KAFKA_BOOTSTRAP_SERVERS_DEFAULT
                ),
                client_id=os.getenv(KAFKA_CLIENT_ID_ENV, KAFKA_CLIENT_ID_DEFAULT),
            )
            await client.start()
            self._kafka = client

    async def _stop_kafka(self) -> None:
        """Close the kafka client; a second call does nothing."""
        client = self._kafka
        if client is not None:
            self._kafka = None
            await client.stop()

    async def _check_kafka_health(self) -> ModelHealthStatus:
        """Probe kafka: DEGRADED before start, UNHEALTHY when the probe fails or times out."""
        client = self._kafka
        if client is None:
            return ModelHealthStatus.create_degraded(
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message="kafka client is not initialised (node not started)",
                        severity="medium",
                    )
                ]
            )
        try:
            async with asyncio.timeout(self._health_timeout_s):
                if self._kafka_last_error is not None:
                    raise ConnectionError(
                        f"the last send failed: {self._kafka_last_error}"
                    )
        except Exception as error:
            return ModelHealthStatus.create_unhealthy(
                score=0.0,
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message=f"kafka health check failed: {type(error).__name__}: {error}",
                        severity="critical",
                    )
                ],
            )
        return ModelHealthStatus.create_healthy(score=1.0)

    async def kafka_send(
        self, topic: str, value: bytes, *, key: bytes | None = None
    ) -> None:
        """Send one message and wait for the broker's acknowledgement (counted as a kafka send)."""
        client = self._kafka
        if client is None:
            raise ModelOnexError(
                message="kafka is not initialised: await node.initialize() first",
                error_code=EnumCoreErrorCode.SERVICE_UNAVAILABLE,
            )
        self.increment_counter(METRIC_KAFKA_SENDS)
        try:
            await client.send_and_wait(topic, value=value, key=key)
        except Exception as error:
            self._kafka_last_error = repr(error)
            raise
        self._kafka_last_error = None

    async def _publish_domain_event(
        self, event_type: str, payload: dict[str, object], correlation_id: UUID | None
    ) -> bool:
        """Publish one event in a ModelEventEnvelope; returns whether it was delivered."""
        envelope = ModelEventEnvelope[dict[str, object]](
            payload=payload,
            correlation_id=correlation_id,
            event_type=event_type,
            source_tool=NODE_NAME,
        )
        delivered = False
        try:
            bus = self._get_event_bus()
            if bus is not None:
                # the framework's own publish_event delivers through publish_async too
                await cast(ProtocolEventBusDuckTyped, bus).publish_async(envelope)
                delivered = True
            if self._kafka is not None:
                await self.kafka_send(EVENTS_TOPIC, envelope.model_dump_json().encode())
                delivered = True
        except Exception as error:
            self.increment_counter(METRIC_EVENTS_FAILED)
            self._emit_log(
                EnumLogLevel.WARNING,
                f"publishing {event_type} failed: {error}",
                correlation_id,
                event_type=event_type,
            )
            return False
        if not delivered:
            self._emit_log(
                EnumLogLevel.DEBUG,
                "no event bus bound and no kafka producer: event not published",
                correlation_id,
                event_type=event_type,
            )
            return False
        self.increment_counter(METRIC_EVENTS_PUBLISHED)
        return True

    async def initialize(self) -> None:
        """Start every integration in order; a second call does nothing."""
        if self._started:
            return
        await super().initialize()
        if self._health_check_mode:
            self._emit_log(
                EnumLogLevel.INFO, "health check mode: integrations are not started"
            )
            self._started = True
            return
        try:
            await self._start_kafka()
        except Exception as error:
            await self._stop_integrations()
            raise ModelOnexError(
                message=f"could not start kafka: {error}",
                error_code=EnumCoreErrorCode.SERVICE_UNAVAILABLE,
                integration="kafka",
            ) from error
        self._started = True
        self._emit_log(EnumLogLevel.INFO, "node started", integrations="kafka")

    async def cleanup(self) -> None:
        """Release every resource in reverse order, even when one step fails; safe to call twice."""
        await self._stop_integrations()
        self._started = False
        await super().cleanup()

    async def _stop_integrations(self) -> None:
        """Stop every integration in reverse start order; one failure does not stop the rest."""
        for name, stop in (("kafka", self._stop_kafka),):
            try:
                await stop()
            except Exception as error:
                self._emit_log(
                    EnumLogLevel.WARNING,
                    f"stopping {name} failed: {error}",
                    integration=name,
                )

    def _wrap_error(
        self,
        error: Exception,
        code: EnumCoreErrorCode,
        operation: str,
        correlation_id: UUID | None,
    ) -> ModelOnexError:
        """Log ``error`` and turn it into a ModelOnexError with ``code``; neither repeats the request's values."""
        exception_type = type(error).__name__
        problems: list[str] = []
        if isinstance(error, ValidationError):
            for item in error.errors(
                include_url=False, include_input=False, include_context=False
            ):
                where = ".".join([str(part) for part in item["loc"]])
                problems.append(where + ": " + item["msg"])
        message = f"operation {operation!r} failed: {exception_type}"
        if problems:
            message += " (" + "; ".join(problems) + ")"
        wrapped = ModelOnexError(
            message=message,
            error_code=code,
            correlation_id=correlation_id,
            operation=operation,
            exception_type=exception_type,
        )
        self._emit_log(
            EnumLogLevel.ERROR,
            wrapped.message,
            wrapped.correlation_id,
            operation=operation,
            error_code=str(wrapped.error_code),
        )
        return wrapped

    def get_operation_metrics(self) -> dict[str, float | int]:
        """Counters and durations recorded by process(), as plain numbers."""
        recorded = self.get_metrics()
        return {
            "operations": int(_metric_value(recorded, METRIC_OPERATIONS)),
            "successes": int(_metric_value(recorded, METRIC_SUCCESSES)),
            "failures": int(_metric_value(recorded, METRIC_FAILURES)),
            "kafka_sends": int(_metric_value(recorded, METRIC_KAFKA_SENDS)),
            "events_published": int(_metric_value(recorded, METRIC_EVENTS_PUBLISHED)),
            "events_failed": int(_metric_value(recorded, METRIC_EVENTS_FAILED)),
            "duration_ms_last": _metric_value(recorded, METRIC_DURATION_MS_LAST),
            "duration_ms_total": _metric_value(recorded, METRIC_DURATION_MS_TOTAL),
        }

    async def _record_operation(
        self, operation: str, started: float, succeeded: bool
    ) -> None:
        """Count the operation and its outcome and record how long it took."""
        duration_ms = (time.perf_counter() - started) * 1000.0
        tags = {"operation": operation}
        self.increment_counter(METRIC_OPERATIONS, tags=tags)
        if succeeded:
            self.increment_counter(METRIC_SUCCESSES, tags=tags)
        else:
            self.increment_counter(METRIC_FAILURES, tags=tags)
        self.record_histogram(METRIC_DURATION_MS_LAST, duration_ms, tags=tags)
        self._duration_ms_total += duration_ms
        self.record_metric(METRIC_DURATION_MS_TOTAL, self._duration_ms_total)
        await self._update_processing_metrics(duration_ms, succeeded)

    def get_health_checks(
        self,
    ) -> list[Callable[[], ModelHealthStatus | asyncio.Future[ModelHealthStatus]]]:
        """The checks MixinHealthCheck runs: self, then every dependency (not in health check mode)."""
        checks: list[Callable[[], ModelHealthStatus | Awaitable[ModelHealthStatus]]] = [
            self._check_self_health
        ]
        if not self._health_check_mode:
            checks += [self._check_kafka_health]
        # MixinHealthCheck awaits coroutine checks, though its annotation names Future
        return cast(
            list[Callable[[], ModelHealthStatus | asyncio.Future[ModelHealthStatus]]],
            checks,
        )

    def _check_self_health(self) -> ModelHealthStatus:
        """Healthy while the node's lifecycle is sound."""
        issues: list[ModelHealthIssue] = []
        lifecycle = self.state.get("status", "")
        if lifecycle in _UNHEALTHY_STATES:
            issues.append(
                ModelHealthIssue.create_resource_issue(
                    message=f"node lifecycle status is {lifecycle}", severity="critical"
                )
            )
        if issues:
            return ModelHealthStatus.create_unhealthy(score=0.0, issues=issues)
        return ModelHealthStatus.create_healthy(score=1.0)

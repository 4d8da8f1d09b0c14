"""Publishes shipment events to Kafka."""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate

from aiokafka import AIOKafkaProducer  # type: ignore[import-untyped]
from omnibase_core.enums import EnumTransactionState
from omnibase_core.enums.enum_node_lifecycle_status import EnumNodeLifecycleStatus
from omnibase_core.mixins import MixinHealthCheck
from omnibase_core.mixins.mixin_metrics import MixinMetrics
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.models.health.model_health_issue import ModelHealthIssue
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.nodes import NodeEffect
from omnibase_core.types.typed_dict_mixin_types import TypedDictMetricEntry

TOPIC = "shipments.v1"


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


METRIC_OPERATIONS = "shipments.operations"
METRIC_SUCCESSES = "shipments.successes"
METRIC_FAILURES = "shipments.failures"
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


class NodeShipmentsEffect(NodeEffect, MixinHealthCheck, MixinMetrics):
    """Announces shipments."""

    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)
        self.producer = AIOKafkaProducer(bootstrap_servers="localhost:9092")
        self._duration_ms_total = 0.0

    @_record_metrics
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

    def get_operation_metrics(self) -> dict[str, float | int]:
        """Counters and durations recorded by process(), as plain numbers."""
        recorded = self.get_metrics()
        return {
            "operations": int(_metric_value(recorded, METRIC_OPERATIONS)),
            "successes": int(_metric_value(recorded, METRIC_SUCCESSES)),
            "failures": int(_metric_value(recorded, METRIC_FAILURES)),
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
        return [self._check_self_health]

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

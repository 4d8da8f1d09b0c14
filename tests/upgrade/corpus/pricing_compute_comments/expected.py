# Copyright (c) the pricing team.
# This module is hand-maintained: keep the rounding rules in sync with finance.
"""Price computation for the shop."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
import asyncio
import os
import time
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate
from uuid import UUID

from omnibase_core.models.compute.model_compute_input import ModelComputeInput
from omnibase_core.models.compute.model_compute_output import ModelComputeOutput
from omnibase_core.nodes.node_service_compute import ModelServiceCompute
from omnibase_core.types.type_serializable_value import SerializedDict
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.enums.enum_node_lifecycle_status import EnumNodeLifecycleStatus
from omnibase_core.errors import ModelOnexError
from omnibase_core.logging.logging_structured import emit_log_event_sync
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.health.model_health_issue import ModelHealthIssue
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.types.typed_dict_mixin_types import TypedDictMetricEntry
from pydantic import ValidationError

# VAT rates by country; the default applies to everything else.
VAT_RATES: dict[str, str] = {"DE": "0.19", "FR": "0.20"}  # updated 2024-01
DEFAULT_VAT = "0.21"


@functools.lru_cache(maxsize=64)
def vat_rate(country: str) -> Decimal:
    """The VAT rate of ``country`` (cached: the table never changes at run time)."""
    return Decimal(VAT_RATES.get(country, DEFAULT_VAT))

NODE_NAME = "pricing"
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
        except TimeoutError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.TIMEOUT, operation, correlation_id
            ) from error
        except Exception as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.OPERATION_FAILED, operation, correlation_id
            ) from error

    return mapped


METRIC_OPERATIONS = "pricing.operations"
METRIC_SUCCESSES = "pricing.successes"
METRIC_FAILURES = "pricing.failures"
METRIC_DURATION_MS_LAST = "pricing.duration_ms_last"
METRIC_DURATION_MS_TOTAL = "pricing.duration_ms_total"


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


class NodePricingCompute(ModelServiceCompute[SerializedDict, SerializedDict]):
    """Computes gross prices from net prices."""

    # how many decimal places prices keep
    PRECISION = Decimal("0.01")

    @dataclass(frozen=True)
    class Quote:
        """One computed price."""

        net: Decimal
        gross: Decimal

    def __init__(self, container: ModelONEXContainer) -> None:
        """Set up state only: no network I/O happens before initialize()."""
        super().__init__(container)
        self._health_check_mode = _detect_health_check_mode(container)
        self._health_timeout_s = float(os.getenv(HEALTH_CHECK_TIMEOUT_ENV, "5"))
        self._duration_ms_total = 0.0

    @_record_metrics
    @_map_errors
    async def process(
        self, input_data: ModelComputeInput[SerializedDict]
    ) -> ModelComputeOutput[SerializedDict]:
        # the input is {"net": "10.00", "country": "DE"}
        data = input_data.data
        quote = self.quote(Decimal(str(data["net"])), str(data.get("country", "")))
        return ModelComputeOutput[SerializedDict](
            result={"net": str(quote.net), "gross": str(quote.gross)},
            operation_id=input_data.operation_id,
            computation_type=input_data.computation_type,
            processing_time_ms=0.0,
        )

    def quote(self, net: Decimal, country: str) -> NodePricingCompute.Quote:
        gross = (net * (1 + vat_rate(country))).quantize(self.PRECISION, ROUND_HALF_EVEN)
        return self.Quote(net=net, gross=gross)

    @staticmethod
    def describe() -> str:
        return "gross = net * (1 + VAT), rounded half-even"

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

    # end of the node: anything below is module-level helpers

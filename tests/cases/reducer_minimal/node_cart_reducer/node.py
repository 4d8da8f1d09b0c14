"""NodeCartReducer: the reducer node 'cart'."""

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from uuid import UUID

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.enums.enum_node_lifecycle_status import EnumNodeLifecycleStatus
from omnibase_core.errors import ModelOnexError
from omnibase_core.logging.logging_structured import emit_log_event_sync
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.health.model_health_issue import ModelHealthIssue
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.models.projectors.model_projection_intent import (
    ModelProjectionIntent,
)
from omnibase_core.models.reducer.model_reducer_input import ModelReducerInput
from omnibase_core.models.reducer.model_reducer_output import ModelReducerOutput
from omnibase_core.nodes.node_service_reducer import ModelServiceReducer
from omnibase_core.types.type_serializable_value import SerializedDict
from omnibase_core.types.typed_dict_mixin_types import TypedDictMetricEntry
from pydantic import ValidationError

from .handlers.handler_run import HandlerRun
from .models.model_cart_input import ModelCartInput
from .models.model_cart_output import ModelCartOutput

__all__ = ["NodeCartReducer", "SUPPORTED_OPERATIONS"]
NODE_NAME = "cart"
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


SUPPORTED_OPERATIONS: tuple[str, ...] = ("run",)
_ENVELOPE_FIELDS = set(ModelReducerOutput.model_fields) | {"correlation_id"}
CartHandler = Callable[
    [ModelCartInput, ModelCartOutput | None], Awaitable[ModelCartOutput]
]
METRIC_OPERATIONS = "cart.operations"
METRIC_SUCCESSES = "cart.successes"
METRIC_FAILURES = "cart.failures"
METRIC_DURATION_MS_LAST = "cart.duration_ms_last"
METRIC_DURATION_MS_TOTAL = "cart.duration_ms_total"


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


class NodeCartReducer(ModelServiceReducer[SerializedDict, SerializedDict]):
    """One operation, no integrations."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Set up state only: no network I/O happens before initialize()."""
        super().__init__(container)
        self._health_check_mode = _detect_health_check_mode(container)
        self._health_timeout_s = float(os.getenv(HEALTH_CHECK_TIMEOUT_ENV, "5"))
        self._handlers: dict[str, CartHandler] = {"run": HandlerRun().handle}
        self._reduced: ModelCartOutput | None = None
        self._state_lock = asyncio.Lock()
        self._duration_ms_total = 0.0

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

    async def process(
        self,
        input_data: ModelReducerInput[SerializedDict],
        projection_intents: tuple[ModelProjectionIntent, ...] = (),
    ) -> ModelCartOutput:
        """Run the requested operation through its handler; record metrics; map errors."""
        started = time.perf_counter()
        operation = "unknown"
        correlation_id: UUID | None = None
        succeeded = False
        try:
            request = self._to_request(input_data)
            operation = request.operation
            correlation_id = request.correlation_id
            handler = self._handlers.get(request.operation)
            if handler is None:
                raise ModelOnexError(
                    message=f"unknown operation {request.operation!r}; expected one of run",
                    error_code=EnumCoreErrorCode.INVALID_OPERATION,
                    correlation_id=correlation_id,
                    operation=request.operation,
                )
            projections = self._build_projection_intents(projection_intents)
            async with self._state_lock:
                output = await handler(request, self._reduced)
                result = output.model_copy(
                    update={
                        "processing_time_ms": (time.perf_counter() - started) * 1000.0,
                        "result": output.model_dump(
                            mode="json", exclude=_ENVELOPE_FIELDS
                        ),
                        "intents": (*output.intents, *projections),
                    }
                )
                self._reduced = result
            succeeded = True
            return result
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
        finally:
            await self._record_operation(operation, started, succeeded)

    def _to_request(
        self, input_data: ModelReducerInput[SerializedDict]
    ) -> ModelCartInput:
        """Accept a ModelCartInput, or a ModelReducerInput whose data holds one dict of its fields (metadata.trigger names the operation)."""
        if isinstance(input_data, ModelCartInput):
            return input_data
        if len(input_data.data) != 1:
            raise ModelOnexError(
                message="data must hold exactly one dict of ModelCartInput fields",
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            )
        fields = input_data.model_dump(exclude={"data"})
        fields["operation"] = input_data.metadata.trigger
        fields.update(input_data.data[0])
        return ModelCartInput.model_validate(fields)

    def get_reduced_state(self) -> ModelCartOutput | None:
        """The output of the last successful operation: the state reduced so far."""
        return self._reduced

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
        """Healthy while every operation has a handler and the lifecycle is sound."""
        issues: list[ModelHealthIssue] = []
        missing = [
            operation
            for operation in SUPPORTED_OPERATIONS
            if operation not in self._handlers
        ]
        if missing:
            names = ", ".join(missing)
            issues.append(
                ModelHealthIssue.create_resource_issue(
                    message=f"no handler registered for: {names}", severity="critical"
                )
            )
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

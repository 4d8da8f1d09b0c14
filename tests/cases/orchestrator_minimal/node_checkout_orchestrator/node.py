"""NodeCheckoutOrchestrator: the orchestrator node 'checkout'."""

import asyncio
import os
import time
from collections.abc import Callable
from typing import Protocol
from uuid import UUID

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.enums.enum_node_lifecycle_status import EnumNodeLifecycleStatus
from omnibase_core.errors import ModelOnexError
from omnibase_core.logging.logging_structured import emit_log_event_sync
from omnibase_core.mixins.mixin_event_bus import MixinEventBus
from omnibase_core.mixins.mixin_node_service import MixinNodeService
from omnibase_core.models.common.model_schema_value import ModelSchemaValue
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.contracts.model_workflow_step import ModelWorkflowStep
from omnibase_core.models.contracts.subcontracts.model_execution_graph import (
    ModelExecutionGraph,
)
from omnibase_core.models.contracts.subcontracts.model_workflow_definition import (
    ModelWorkflowDefinition,
)
from omnibase_core.models.contracts.subcontracts.model_workflow_definition_metadata import (
    ModelWorkflowDefinitionMetadata,
)
from omnibase_core.models.health.model_health_issue import ModelHealthIssue
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.models.orchestrator.model_orchestrator_input import (
    ModelOrchestratorInput,
)
from omnibase_core.models.orchestrator.model_orchestrator_output import (
    ModelOrchestratorOutput,
)
from omnibase_core.models.primitives.model_semver import ModelSemVer
from omnibase_core.nodes.node_service_orchestrator import ModelServiceOrchestrator
from omnibase_core.types.typed_dict_mixin_types import TypedDictMetricEntry
from pydantic import ValidationError

from .handlers.handler_run import HandlerRun
from .models.model_checkout_input import ModelCheckoutInput
from .models.model_checkout_output import ModelCheckoutOutput

__all__ = ["NodeCheckoutOrchestrator", "SUPPORTED_OPERATIONS"]
NODE_NAME = "checkout"
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
_ENVELOPE_FIELDS = set(ModelOrchestratorOutput.model_fields) | {"correlation_id"}
_WORKFLOW_FIELDS = (
    "execution_status",
    "execution_time_ms",
    "start_time",
    "end_time",
    "completed_steps",
    "failed_steps",
    "skipped_steps",
    "actions_emitted",
    "metrics",
    "step_outputs",
    "parallel_executions",
)
_VERSION = ModelSemVer(major=1, minor=0, patch=0)
DEFAULT_WORKFLOW_DEFINITION = ModelWorkflowDefinition(
    version=_VERSION,
    workflow_metadata=ModelWorkflowDefinitionMetadata(
        version=_VERSION,
        workflow_name="checkout",
        workflow_version=_VERSION,
        description="One operation, no integrations.",
    ),
    execution_graph=ModelExecutionGraph(version=_VERSION),
)


class ProtocolCheckoutOperation(Protocol):
    """What the node needs from an operation handler."""

    def plan(self, request: ModelCheckoutInput) -> list[ModelWorkflowStep]:
        """The workflow steps that carry the operation out."""

    async def handle(
        self, request: ModelCheckoutInput, workflow: ModelOrchestratorOutput
    ) -> ModelCheckoutOutput:
        """The operation's answer, given the outcome of its workflow run."""


METRIC_OPERATIONS = "checkout.operations"
METRIC_SUCCESSES = "checkout.successes"
METRIC_FAILURES = "checkout.failures"
METRIC_DURATION_MS_LAST = "checkout.duration_ms_last"
METRIC_DURATION_MS_TOTAL = "checkout.duration_ms_total"


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


class NodeCheckoutOrchestrator(ModelServiceOrchestrator):
    """One operation, no integrations."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Set up state only: no network I/O happens before initialize()."""
        super().__init__(container)
        self._health_check_mode = _detect_health_check_mode(container)
        self._health_timeout_s = float(os.getenv(HEALTH_CHECK_TIMEOUT_ENV, "5"))
        self._handlers: dict[str, ProtocolCheckoutOperation] = {"run": HandlerRun()}
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

    async def process(self, input_data: ModelOrchestratorInput) -> ModelCheckoutOutput:
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
            steps = request.steps or handler.plan(request)
            workflow = await self._run_workflow(request, steps)
            output = await handler.handle(request, workflow)
            declared = output.model_dump(mode="json", exclude=_ENVELOPE_FIELDS)
            result = output.model_copy(
                update={
                    **{name: getattr(workflow, name) for name in _WORKFLOW_FIELDS},
                    "output_variables": {
                        name: ModelSchemaValue.from_value(value)
                        for name, value in declared.items()
                    },
                }
            )
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

    def _to_request(self, input_data: ModelOrchestratorInput) -> ModelCheckoutInput:
        """Accept a ModelCheckoutInput, or a ModelOrchestratorInput whose metadata.trigger names the operation."""
        if isinstance(input_data, ModelCheckoutInput):
            return input_data
        fields = dict(input_data)
        fields["operation"] = input_data.metadata.trigger
        if input_data.metadata.correlation_id is not None:
            fields["correlation_id"] = input_data.metadata.correlation_id
        return ModelCheckoutInput.model_validate(fields)

    async def _run_workflow(
        self, request: ModelCheckoutInput, steps: list[ModelWorkflowStep]
    ) -> ModelOrchestratorOutput:
        """Run the steps through the framework's workflow executor (one action per step); an injected workflow_definition wins."""
        definition = self.workflow_definition or DEFAULT_WORKFLOW_DEFINITION
        executed = await self.execute_workflow_from_contract(
            definition,
            steps,
            request.workflow_id,
            execution_mode=request.execution_mode,
        )
        return self._convert_workflow_result_to_output(executed)

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

    def _log_info(self, message: str, pattern: str | None = None) -> None:
        """Serve both callers: MixinNodeService (message) and MixinEventBus (message, pattern)."""
        if pattern is None:
            MixinNodeService._log_info(self, message)
        else:
            MixinEventBus._log_info(self, message, pattern)

    def _log_error(
        self,
        message: str,
        pattern: str | None = None,
        error: BaseException | None = None,
    ) -> None:
        """Serve both callers: MixinNodeService (message) and MixinEventBus (message, pattern, error=)."""
        if pattern is None:
            if error is not None:
                message = f"{message}: {error!r}"
            MixinNodeService._log_error(self, message)
        else:
            MixinEventBus._log_error(self, message, pattern, error=error)

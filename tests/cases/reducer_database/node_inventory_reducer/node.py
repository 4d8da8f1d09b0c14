"""NodeInventoryReducer: the reducer node 'inventory'."""

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import cast
from uuid import UUID

import asyncpg  # type: ignore[import-untyped, unused-ignore]
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

from .handlers.handler_create_record import HandlerCreateRecord
from .handlers.handler_read_record import HandlerReadRecord
from .models.model_inventory_input import ModelInventoryInput
from .models.model_inventory_output import ModelInventoryOutput

__all__ = ["NodeInventoryReducer", "SUPPORTED_OPERATIONS"]
NODE_NAME = "inventory"
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


POSTGRES_DSN_ENV = "POSTGRES_DSN"
POSTGRES_DSN_DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_POOL_MIN_SIZE_ENV = "POSTGRES_POOL_MIN_SIZE"
POSTGRES_POOL_MIN_SIZE_DEFAULT = "1"
POSTGRES_POOL_MAX_SIZE_ENV = "POSTGRES_POOL_MAX_SIZE"
POSTGRES_POOL_MAX_SIZE_DEFAULT = "10"
POSTGRES_COMMAND_TIMEOUT_S_ENV = "POSTGRES_COMMAND_TIMEOUT_S"
POSTGRES_COMMAND_TIMEOUT_S_DEFAULT = "30"
SUPPORTED_OPERATIONS: tuple[str, ...] = ("create_record", "read_record")
_ENVELOPE_FIELDS = set(ModelReducerOutput.model_fields) | {"correlation_id"}
InventoryHandler = Callable[
    [ModelInventoryInput, ModelInventoryOutput | None], Awaitable[ModelInventoryOutput]
]
METRIC_OPERATIONS = "inventory.operations"
METRIC_SUCCESSES = "inventory.successes"
METRIC_FAILURES = "inventory.failures"
METRIC_QUERIES = "inventory.queries"
METRIC_DURATION_MS_LAST = "inventory.duration_ms_last"
METRIC_DURATION_MS_TOTAL = "inventory.duration_ms_total"


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


class NodeInventoryReducer(ModelServiceReducer[SerializedDict, SerializedDict]):
    """Backed by PostgreSQL."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Set up state only: no network I/O happens before initialize()."""
        super().__init__(container)
        self._health_check_mode = _detect_health_check_mode(container)
        self._health_timeout_s = float(os.getenv(HEALTH_CHECK_TIMEOUT_ENV, "5"))
        self._postgres: asyncpg.Pool | None = None
        self._started = False
        self._handlers: dict[str, InventoryHandler] = {
            "create_record": HandlerCreateRecord().handle,
            "read_record": HandlerReadRecord().handle,
        }
        self._reduced: ModelInventoryOutput | None = None
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

    async def _start_postgres(self) -> None:
        """Create the postgres client from the environment unless one was injected."""
        if self._postgres is None:
            client = await asyncpg.create_pool(
                dsn=os.getenv(POSTGRES_DSN_ENV, POSTGRES_DSN_DEFAULT),
                min_size=int(
                    os.getenv(
                        POSTGRES_POOL_MIN_SIZE_ENV, POSTGRES_POOL_MIN_SIZE_DEFAULT
                    )
                ),
                max_size=int(
                    os.getenv(
                        POSTGRES_POOL_MAX_SIZE_ENV, POSTGRES_POOL_MAX_SIZE_DEFAULT
                    )
                ),
                command_timeout=float(
                    os.getenv(
                        POSTGRES_COMMAND_TIMEOUT_S_ENV,
                        POSTGRES_COMMAND_TIMEOUT_S_DEFAULT,
                    )
                ),
            )
            self._postgres = client

    async def _stop_postgres(self) -> None:
        """Close the postgres client; a second call does nothing."""
        client = self._postgres
        if client is not None:
            self._postgres = None
            await client.close()

    async def _check_postgres_health(self) -> ModelHealthStatus:
        """Probe postgres: DEGRADED before start, UNHEALTHY when the probe fails or times out."""
        client = self._postgres
        if client is None:
            return ModelHealthStatus.create_degraded(
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message="postgres client is not initialised (node not started)",
                        severity="medium",
                    )
                ]
            )
        try:
            async with asyncio.timeout(self._health_timeout_s):
                async with client.acquire() as connection:
                    await connection.fetchval("SELECT 1")
        except Exception as error:
            return ModelHealthStatus.create_unhealthy(
                score=0.0,
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message=f"postgres health check failed: {type(error).__name__}: {error}",
                        severity="critical",
                    )
                ],
            )
        return ModelHealthStatus.create_healthy(score=1.0)

    async def postgres_fetch(self, query: str, *args: object) -> list[asyncpg.Record]:
        """Run a parametrised query ($1, $2, ...) and return its rows."""
        client = self._postgres
        if client is None:
            raise ModelOnexError(
                message="postgres is not initialised: await node.initialize() first",
                error_code=EnumCoreErrorCode.DATABASE_CONNECTION_ERROR,
            )
        self.increment_counter(METRIC_QUERIES)
        rows: list[asyncpg.Record] = await client.fetch(query, *args)
        return rows

    async def postgres_fetchrow(
        self, query: str, *args: object
    ) -> asyncpg.Record | None:
        """Run a parametrised query and return its first row, or None."""
        client = self._postgres
        if client is None:
            raise ModelOnexError(
                message="postgres is not initialised: await node.initialize() first",
                error_code=EnumCoreErrorCode.DATABASE_CONNECTION_ERROR,
            )
        self.increment_counter(METRIC_QUERIES)
        row: asyncpg.Record | None = await client.fetchrow(query, *args)
        return row

    async def postgres_execute(self, query: str, *args: object) -> str:
        """Run a parametrised statement ($1, $2, ...) and return its status."""
        client = self._postgres
        if client is None:
            raise ModelOnexError(
                message="postgres is not initialised: await node.initialize() first",
                error_code=EnumCoreErrorCode.DATABASE_CONNECTION_ERROR,
            )
        self.increment_counter(METRIC_QUERIES)
        status: str = await client.execute(query, *args)
        return status

    @contextlib.asynccontextmanager
    async def postgres_transaction(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection inside a transaction: committed on success, rolled back on error."""
        client = self._postgres
        if client is None:
            raise ModelOnexError(
                message="postgres is not initialised: await node.initialize() first",
                error_code=EnumCoreErrorCode.DATABASE_CONNECTION_ERROR,
            )
        self.increment_counter(METRIC_QUERIES)
        async with client.acquire() as connection:
            async with connection.transaction():
                yield connection

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
            await self._start_postgres()
        except Exception as error:
            await self._stop_integrations()
            raise ModelOnexError(
                message=f"could not start postgres: {error}",
                error_code=EnumCoreErrorCode.DATABASE_CONNECTION_ERROR,
                integration="postgres",
            ) from error
        self._started = True
        self._emit_log(EnumLogLevel.INFO, "node started", integrations="postgres")

    async def cleanup(self) -> None:
        """Release every resource in reverse order, even when one step fails; safe to call twice."""
        await self._stop_integrations()
        self._started = False
        await super().cleanup()

    async def _stop_integrations(self) -> None:
        """Stop every integration in reverse start order; one failure does not stop the rest."""
        for name, stop in (("postgres", self._stop_postgres),):
            try:
                await stop()
            except Exception as error:
                self._emit_log(
                    EnumLogLevel.WARNING,
                    f"stopping {name} failed: {error}",
                    integration=name,
                )

    async def start_service_mode(self) -> None:
        """Start the integrations, then serve (MixinNodeService)."""
        await self.initialize()
        await super().start_service_mode()

    async def stop_service_mode(self) -> None:
        """Stop serving, then release every integration."""
        try:
            await super().stop_service_mode()
        finally:
            await self.cleanup()

    async def process(
        self,
        input_data: ModelReducerInput[SerializedDict],
        projection_intents: tuple[ModelProjectionIntent, ...] = (),
    ) -> ModelInventoryOutput:
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
                    message=f"unknown operation {request.operation!r}; expected one of create_record, read_record",
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
        except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError) as error:
            raise self._wrap_error(
                error,
                EnumCoreErrorCode.DATABASE_CONNECTION_ERROR,
                operation,
                correlation_id,
            ) from error
        except asyncpg.PostgresError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.DATABASE_QUERY_ERROR, operation, correlation_id
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
    ) -> ModelInventoryInput:
        """Accept a ModelInventoryInput, or a ModelReducerInput whose data holds one dict of its fields (metadata.trigger names the operation)."""
        if isinstance(input_data, ModelInventoryInput):
            return input_data
        if len(input_data.data) != 1:
            raise ModelOnexError(
                message="data must hold exactly one dict of ModelInventoryInput fields",
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            )
        fields = input_data.model_dump(exclude={"data"})
        fields["operation"] = input_data.metadata.trigger
        fields.update(input_data.data[0])
        return ModelInventoryInput.model_validate(fields)

    def get_reduced_state(self) -> ModelInventoryOutput | None:
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
            "queries": int(_metric_value(recorded, METRIC_QUERIES)),
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
            checks += [self._check_postgres_health]
        # MixinHealthCheck awaits coroutine checks, though its annotation names Future
        return cast(
            list[Callable[[], ModelHealthStatus | asyncio.Future[ModelHealthStatus]]],
            checks,
        )

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

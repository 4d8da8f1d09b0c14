"""NodeFulfilmentEffect: the effect node 'fulfilment'."""

import asyncio
import contextlib
import json
import logging
import os
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any, cast
from uuid import UUID

import aiokafka.errors  # type: ignore[import-untyped, unused-ignore]
import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx
import redis.asyncio
import redis.exceptions
from aiokafka import AIOKafkaProducer  # type: ignore[import-untyped, unused-ignore]
from omnibase_core.constants.constants_topic_taxonomy import (
    TOPIC_DISCOVERY_COMMANDS,
    TOPIC_DISCOVERY_EVENTS,
)
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.enums.enum_node_lifecycle_status import EnumNodeLifecycleStatus
from omnibase_core.errors import ModelOnexError
from omnibase_core.logging.logging_structured import emit_log_event_sync
from omnibase_core.mixins import MixinDiscoveryResponder
from omnibase_core.mixins.mixin_event_bus import MixinEventBus
from omnibase_core.mixins.mixin_node_service import MixinNodeService
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.core.model_discovery_request_response import (
    ModelDiscoveryRequestModelMetadata,
)
from omnibase_core.models.core.model_discoveryresponsemetadata import (
    ModelDiscoveryResponseModelMetadata,
)
from omnibase_core.models.core.model_event_channels import ModelEventChannels
from omnibase_core.models.core.model_event_type import create_event_type_from_registry
from omnibase_core.models.core.model_introspection_data import ModelIntrospectionData
from omnibase_core.models.core.model_onex_event import ModelOnexEvent
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.models.envelope.model_emitter_identity import ModelEmitterIdentity
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_core.models.health.model_health_issue import ModelHealthIssue
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.models.primitives.model_semver import ModelSemVer
from omnibase_core.nodes.node_service_effect import ModelServiceEffect
from omnibase_core.protocols.event_bus import ProtocolEventBus
from omnibase_core.protocols.protocol_event_bus_duck_typed import (
    ProtocolEventBusDuckTyped,
)
from omnibase_core.types.typed_dict_mixin_types import TypedDictMetricEntry
from pydantic import ValidationError

from .handlers.handler_cancel import HandlerCancel
from .handlers.handler_submit import HandlerSubmit
from .models.model_fulfilment_input import ModelFulfilmentInput
from .models.model_fulfilment_output import ModelFulfilmentOutput

__all__ = ["NodeFulfilmentEffect", "SUPPORTED_OPERATIONS"]
NODE_NAME = "fulfilment"
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
REDIS_URL_ENV = "REDIS_URL"
REDIS_URL_DEFAULT = "redis://127.0.0.1:6379/0"
REDIS_SOCKET_TIMEOUT_S_ENV = "REDIS_SOCKET_TIMEOUT_S"
REDIS_SOCKET_TIMEOUT_S_DEFAULT = "5"
HTTP_BASE_URL_ENV = "HTTP_BASE_URL"
HTTP_BASE_URL_DEFAULT = "http://127.0.0.1:8080"
HTTP_TIMEOUT_S_ENV = "HTTP_TIMEOUT_S"
HTTP_TIMEOUT_S_DEFAULT = "10"
HTTP_HEALTH_PATH_ENV = "HTTP_HEALTH_PATH"
HTTP_HEALTH_PATH_DEFAULT = "/health"
HTTP_BACKOFF_BASE_S_ENV = "HTTP_BACKOFF_BASE_S"
HTTP_BACKOFF_BASE_S_DEFAULT = "0.2"
HTTP_BACKOFF_MAX_S_ENV = "HTTP_BACKOFF_MAX_S"
HTTP_BACKOFF_MAX_S_DEFAULT = "5"
HTTP_MAX_RESPONSE_BYTES_ENV = "HTTP_MAX_RESPONSE_BYTES"
HTTP_MAX_RESPONSE_BYTES_DEFAULT = "10485760"
HTTP_RETRY_STATUSES = frozenset({502, 503, 504})
HTTP_BACKOFF_JITTER = 0.1
HTTP_LOGGED_HOSTS: set[str] = set()
HTTP_ERROR_CODES: dict[int, EnumCoreErrorCode] = {
    400: EnumCoreErrorCode.VALIDATION_ERROR,
    401: EnumCoreErrorCode.AUTHENTICATION_ERROR,
    403: EnumCoreErrorCode.PERMISSION_DENIED,
    404: EnumCoreErrorCode.NOT_FOUND,
    408: EnumCoreErrorCode.TIMEOUT,
    409: EnumCoreErrorCode.INVALID_STATE,
    422: EnumCoreErrorCode.VALIDATION_ERROR,
    429: EnumCoreErrorCode.RATE_LIMIT_ERROR,
    502: EnumCoreErrorCode.DEPENDENCY_UNAVAILABLE,
    503: EnumCoreErrorCode.SERVICE_UNAVAILABLE,
    504: EnumCoreErrorCode.DEPENDENCY_UNAVAILABLE,
}


def http_error_code(status_code: int) -> EnumCoreErrorCode:
    """The error code of a 4xx/5xx answer: HTTP_ERROR_CODES, else INVALID_INPUT (4xx) or OPERATION_FAILED (5xx)."""
    code = HTTP_ERROR_CODES.get(status_code)
    if code is not None:
        return code
    return (
        EnumCoreErrorCode.INVALID_INPUT
        if status_code < 500
        else EnumCoreErrorCode.OPERATION_FAILED
    )


def http_backoff_s(attempt: int, retry_after: str | None) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1, 2, ...): HTTP_BACKOFF_BASE_S doubled per attempt, plus up to 10% jitter, at least a numeric Retry-After, at most HTTP_BACKOFF_MAX_S."""
    base = float(os.getenv(HTTP_BACKOFF_BASE_S_ENV, HTTP_BACKOFF_BASE_S_DEFAULT))
    cap = float(os.getenv(HTTP_BACKOFF_MAX_S_ENV, HTTP_BACKOFF_MAX_S_DEFAULT))
    delay = base * 2.0 ** (attempt - 1)
    delay += random.uniform(0.0, delay * HTTP_BACKOFF_JITTER)
    if retry_after is not None and retry_after.strip().isdecimal():
        delay = max(delay, float(retry_after))
    return min(cap, delay)


async def http_read_answer(
    streamed: httpx.Response, limit: int, correlation_id: UUID | None
) -> httpx.Response:
    """The whole answer, read (decoded) up to ``limit`` bytes: a longer one raises CONTRACT_VIOLATION instead of filling the memory. The connection is released either way."""
    body = bytearray()
    try:
        async for chunk in streamed.aiter_bytes():
            body += chunk
            if len(body) > limit:
                raise ModelOnexError(
                    message=f"the answer to {streamed.request.method} is longer than {limit} bytes (HTTP_MAX_RESPONSE_BYTES): not read further",
                    error_code=EnumCoreErrorCode.CONTRACT_VIOLATION,
                    correlation_id=correlation_id,
                    status_code=streamed.status_code,
                )
    finally:
        await streamed.aclose()
    headers = [
        (name, value)
        for name, value in streamed.headers.multi_items()
        if name.lower()
        not in {"content-encoding", "content-length", "transfer-encoding"}
    ]
    return httpx.Response(
        streamed.status_code,
        headers=headers,
        content=bytes(body),
        request=streamed.request,
    )


def http_log_without_values(record: logging.LogRecord) -> bool:
    """httpx logs each request's URL at INFO; for the node's own requests keep the scheme and host: the path and query hold the request's values, secrets among them."""
    arguments = record.args
    if isinstance(arguments, tuple) and len(arguments) > 1:
        url = arguments[1]
        if isinstance(url, httpx.URL) and url.host in HTTP_LOGGED_HOSTS:
            record.args = (
                arguments[0],
                f"{url.scheme}://{url.netloc.decode('ascii')}/...",
                *arguments[2:],
            )
    return True


KAFKA_BOOTSTRAP_SERVERS_ENV = "KAFKA_BOOTSTRAP_SERVERS"
KAFKA_BOOTSTRAP_SERVERS_DEFAULT = "127.0.0.1:9092"
KAFKA_CLIENT_ID_ENV = "KAFKA_CLIENT_ID"
KAFKA_CLIENT_ID_DEFAULT = "onex-node"
CONSUL_HOST_ENV = "CONSUL_HOST"
CONSUL_HOST_DEFAULT = "127.0.0.1"
CONSUL_PORT_ENV = "CONSUL_PORT"
CONSUL_PORT_DEFAULT = "8500"
CONSUL_ENABLE_REGISTRATION_ENV = "CONSUL_ENABLE_REGISTRATION"
CONSUL_ENABLE_REGISTRATION_DEFAULT = "true"
SERVICE_HOST_ENV = "SERVICE_HOST"
SERVICE_HOST_DEFAULT = "127.0.0.1"
SERVICE_PORT_ENV = "SERVICE_PORT"
SERVICE_PORT_DEFAULT = "8060"


def _consul_agent() -> Any:
    """The py-consul agent API (imported here: the library is optional)."""
    import consul  # type: ignore[import-untyped, unused-ignore]

    client = consul.Consul(
        host=os.getenv(CONSUL_HOST_ENV, CONSUL_HOST_DEFAULT),
        port=int(os.getenv(CONSUL_PORT_ENV, CONSUL_PORT_DEFAULT)),
    )
    return client.agent


def _consul_register(service_id: str) -> None:
    """Register this node's service with the local Consul agent."""
    import consul  # type: ignore[import-untyped, unused-ignore]

    agent = _consul_agent()
    host = os.getenv(SERVICE_HOST_ENV, SERVICE_HOST_DEFAULT)
    port = int(os.getenv(SERVICE_PORT_ENV, SERVICE_PORT_DEFAULT))
    agent.service.register(
        "onex-fulfilment",
        service_id=service_id,
        address=host,
        port=port,
        tags=["onex", "effect", "version:1.0.0", "fulfilment"],
        check=consul.Check.http(
            f"http://{host}:{port}/health", interval="30s", timeout="5s"
        ),
    )


def _consul_deregister(service_id: str) -> None:
    """Remove this node's service from the local Consul agent."""
    _consul_agent().service.deregister(service_id)


def _consul_service_ids() -> set[str]:
    """The service ids the local Consul agent knows."""
    services: dict[str, Any] = _consul_agent().services()
    return set(services)


EVENTS_TOPIC = os.getenv("ONEX_EVENTS_TOPIC", "onex.events.fulfilment.v1")
DISCOVERY_CAPABILITIES: tuple[str, ...] = ("fulfilment.submit", "fulfilment.cancel")
ONEX_ENVIRONMENT_ENV = "ONEX_ENVIRONMENT"
ONEX_ENVIRONMENT_DEFAULT = "local"
ONEX_SERVICE_NAME_ENV = "ONEX_SERVICE_NAME"
ONEX_SERVICE_NAME_DEFAULT = "node_fulfilment_effect"
ONEX_CONSUMER_GROUP_VERSION_ENV = "ONEX_CONSUMER_GROUP_VERSION"
ONEX_CONSUMER_GROUP_VERSION_DEFAULT = "v1"


def node_identity() -> ModelEmitterIdentity:
    """The node's identity on the event bus, from the environment: the bus derives the consumer group from it ({env}.{service}.{node}.consume.{version})."""
    return ModelEmitterIdentity(
        env=os.getenv(ONEX_ENVIRONMENT_ENV, ONEX_ENVIRONMENT_DEFAULT),
        service=os.getenv(ONEX_SERVICE_NAME_ENV, ONEX_SERVICE_NAME_DEFAULT),
        node_name=NODE_NAME,
        version=os.getenv(
            ONEX_CONSUMER_GROUP_VERSION_ENV, ONEX_CONSUMER_GROUP_VERSION_DEFAULT
        ),
    )


class DiscoveryResponder(MixinDiscoveryResponder):
    """The framework's discovery responder for one node: its introspection, health and declared capabilities."""

    def __init__(
        self,
        node_id: UUID,
        health_check: Callable[[], Awaitable[ModelHealthStatus]],
        introspection: ModelIntrospectionData,
        capabilities: Sequence[str],
    ) -> None:
        super().__init__()
        self._node_id = node_id
        self._health_check = health_check
        self._introspection = introspection
        self._capabilities = list(capabilities)
        self._health = "unknown"

    @property
    def node_id(self) -> UUID:
        return self._node_id

    @property
    def version(self) -> ModelSemVer:
        return self._introspection.node_version

    def get_node_type(self) -> str:
        return self._introspection.node_type

    def get_introspection_response(self) -> ModelIntrospectionData:
        return self._introspection

    def get_event_channels(self) -> ModelEventChannels:
        return ModelEventChannels(
            subscribes_to=[TOPIC_DISCOVERY_COMMANDS],
            publishes_to=[TOPIC_DISCOVERY_EVENTS],
        )

    def get_discovery_capabilities(self) -> list[str]:
        return list(self._capabilities)

    def get_health_status(self) -> str:
        """The node's health when the request being answered arrived: healthy, degraded or unhealthy."""
        return self._health

    async def _handle_discovery_request(
        self,
        envelope: ModelEventEnvelope[object],
        raw_envelope_dict: dict[str, object] | None = None,
    ) -> None:
        # the mixin asks get_health_status() synchronously, inside the event loop,
        # where the node's asynchronous checks cannot run: they run here, first
        try:
            health = await self._health_check()
            self._health = str(health.status).lower()
        except (
            Exception
        ):  # a failing check makes the node unhealthy; the request is still answered
            self._health = "unhealthy"
        await super()._handle_discovery_request(envelope, raw_envelope_dict)

    async def _send_discovery_response(
        self,
        original_event: ModelOnexEvent,
        request: ModelDiscoveryRequestModelMetadata,
    ) -> None:
        bus = self._discovery_event_bus
        if bus is None:
            return
        started = time.monotonic()
        channels = self.get_event_channels()
        metadata = ModelDiscoveryResponseModelMetadata(
            request_id=request.request_id,
            node_id=self.node_id,
            introspection=self._introspection,
            health_status=self.get_health_status(),
            capabilities=self.get_discovery_capabilities(),
            node_type=self.get_node_type(),
            version=self.version,
            event_channels=[*channels.subscribes_to, *channels.publishes_to],
            response_time_ms=(time.monotonic() - started) * 1000,
        )
        event = ModelOnexEvent(
            event_type=create_event_type_from_registry("DISCOVERY_RESPONSE"),
            node_id=self.node_id,
            correlation_id=original_event.correlation_id,
        )
        envelope = ModelEventEnvelope.create_broadcast(
            payload=event,
            source_node_id=self.node_id,
            correlation_id=original_event.correlation_id,
        ).model_dump(mode="json")
        envelope["payload"]["data"] = metadata.model_dump(mode="json")
        await bus.publish(
            topic=TOPIC_DISCOVERY_EVENTS,
            key=None,
            value=json.dumps(envelope).encode("utf-8"),
        )
        self._last_response_time = time.time()
        self._discovery_stats["responses_sent"] += 1


SUPPORTED_OPERATIONS: tuple[str, ...] = ("submit", "cancel")
_ENVELOPE_FIELDS = set(ModelEffectOutput.model_fields) | {"correlation_id"}
FulfilmentHandler = Callable[[ModelFulfilmentInput], Awaitable[ModelFulfilmentOutput]]
METRIC_OPERATIONS = "fulfilment.operations"
METRIC_SUCCESSES = "fulfilment.successes"
METRIC_FAILURES = "fulfilment.failures"
METRIC_QUERIES = "fulfilment.queries"
METRIC_CACHE_COMMANDS = "fulfilment.cache_commands"
METRIC_API_CALLS = "fulfilment.api_calls"
METRIC_API_RETRIES = "fulfilment.api_retries"
METRIC_KAFKA_SENDS = "fulfilment.kafka_sends"
METRIC_EVENTS_PUBLISHED = "fulfilment.events_published"
METRIC_EVENTS_FAILED = "fulfilment.events_failed"
METRIC_DURATION_MS_LAST = "fulfilment.duration_ms_last"
METRIC_DURATION_MS_TOTAL = "fulfilment.duration_ms_total"


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


class NodeFulfilmentEffect(ModelServiceEffect):
    """Every integration and pattern at once."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Set up state only: no network I/O happens before initialize()."""
        super().__init__(container)
        self._health_check_mode = _detect_health_check_mode(container)
        self._health_timeout_s = float(os.getenv(HEALTH_CHECK_TIMEOUT_ENV, "5"))
        self._postgres: asyncpg.Pool | None = None
        self._redis: redis.asyncio.Redis | None = None
        self._http: httpx.AsyncClient | None = None
        self._kafka: AIOKafkaProducer | None = None
        self._kafka_last_error: str | None = None
        self._consul_service_id: str | None = None
        self._discovery = DiscoveryResponder(
            self.node_id,
            self.health_check_async,
            ModelIntrospectionData(
                node_name=NODE_NAME,
                node_version=ModelSemVer(major=1, minor=0, patch=0),
                node_type="effect",
                description="Every integration and pattern at once.",
                supported_operations=list(SUPPORTED_OPERATIONS),
            ),
            DISCOVERY_CAPABILITIES,
        )
        self._started = False
        self._handlers: dict[str, FulfilmentHandler] = {
            "submit": HandlerSubmit().handle,
            "cancel": HandlerCancel().handle,
        }
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

    async def _start_redis(self) -> None:
        """Create the redis client from the environment unless one was injected."""
        if self._redis is None:
            client: redis.asyncio.Redis = redis.asyncio.Redis.from_url(
                os.getenv(REDIS_URL_ENV, REDIS_URL_DEFAULT),
                socket_timeout=float(
                    os.getenv(
                        REDIS_SOCKET_TIMEOUT_S_ENV, REDIS_SOCKET_TIMEOUT_S_DEFAULT
                    )
                ),
                decode_responses=True,
            )
            await client.ping()
            self._redis = client

    async def _stop_redis(self) -> None:
        """Close the redis client; a second call does nothing."""
        client = self._redis
        if client is not None:
            self._redis = None
            await client.aclose()

    async def _check_redis_health(self) -> ModelHealthStatus:
        """Probe redis: DEGRADED before start, UNHEALTHY when the probe fails or times out."""
        client = self._redis
        if client is None:
            return ModelHealthStatus.create_degraded(
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message="redis client is not initialised (node not started)",
                        severity="medium",
                    )
                ]
            )
        try:
            async with asyncio.timeout(self._health_timeout_s):
                await client.ping()
        except Exception as error:
            return ModelHealthStatus.create_unhealthy(
                score=0.0,
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message=f"redis health check failed: {type(error).__name__}: {error}",
                        severity="critical",
                    )
                ],
            )
        return ModelHealthStatus.create_healthy(score=1.0)

    async def cache_get(self, key: str) -> str | None:
        """The cached text under ``key``, or None."""
        client = self._redis
        if client is None:
            raise ModelOnexError(
                message="redis is not initialised: await node.initialize() first",
                error_code=EnumCoreErrorCode.CACHE_CONNECTION_ERROR,
            )
        self.increment_counter(METRIC_CACHE_COMMANDS)
        value: bytes | str | None = await client.get(key)
        if isinstance(value, bytes):
            return value.decode()
        return value

    async def cache_set(self, key: str, value: str, *, ttl_s: int = 300) -> None:
        """Cache ``value`` under ``key`` for ``ttl_s`` seconds."""
        client = self._redis
        if client is None:
            raise ModelOnexError(
                message="redis is not initialised: await node.initialize() first",
                error_code=EnumCoreErrorCode.CACHE_CONNECTION_ERROR,
            )
        self.increment_counter(METRIC_CACHE_COMMANDS)
        await client.set(key, value, ex=ttl_s)

    async def _start_http(self) -> None:
        """Create the http client from the environment unless one was injected."""
        if self._http is None:
            client = httpx.AsyncClient(
                base_url=os.getenv(HTTP_BASE_URL_ENV, HTTP_BASE_URL_DEFAULT),
                timeout=float(os.getenv(HTTP_TIMEOUT_S_ENV, HTTP_TIMEOUT_S_DEFAULT)),
            )
            self._http = client

    async def _stop_http(self) -> None:
        """Close the http client; a second call does nothing."""
        client = self._http
        if client is not None:
            self._http = None
            await client.aclose()

    async def _check_http_health(self) -> ModelHealthStatus:
        """Probe http: DEGRADED before start, UNHEALTHY when the probe fails or times out."""
        client = self._http
        if client is None:
            return ModelHealthStatus.create_degraded(
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message="http client is not initialised (node not started)",
                        severity="medium",
                    )
                ]
            )
        try:
            async with asyncio.timeout(self._health_timeout_s):
                response = await client.get(
                    os.getenv(HTTP_HEALTH_PATH_ENV, HTTP_HEALTH_PATH_DEFAULT)
                )
                response.raise_for_status()
        except Exception as error:
            return ModelHealthStatus.create_unhealthy(
                score=0.0,
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message=f"http health check failed: {type(error).__name__}: {error}",
                        severity="critical",
                    )
                ],
            )
        return ModelHealthStatus.create_healthy(score=1.0)

    async def http_call(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        params: Mapping[str, str] | None = None,
        timeout_s: float,
        attempts: int,
        correlation_id: UUID | None,
        route: str | None = None,
    ) -> httpx.Response:
        """Send one request with its own timeout and the correlation id as X-Correlation-ID; up to ``attempts`` sends (more than one only for idempotent methods), retrying timeouts, transport errors and 502/503/504 with exponential backoff. A final 4xx/5xx answer raises ModelOnexError with the status's code (HTTP_ERROR_CODES), a final timeout TIMEOUT, a transport error NETWORK_ERROR. Messages and logs name ``route`` (the path before its values were filled in), never the request's values."""
        client = self._http
        shown = path if route is None else route
        if client is None:
            raise ModelOnexError(
                message="http is not initialised: await node.initialize() first",
                error_code=EnumCoreErrorCode.NETWORK_ERROR,
                correlation_id=correlation_id,
            )
        # httpx logs each request's URL: for this client's host, without the request's values
        HTTP_LOGGED_HOSTS.add(client.base_url.host)
        logging.getLogger("httpx").addFilter(http_log_without_values)
        headers: dict[str, str] = (
            {} if correlation_id is None else {"X-Correlation-ID": str(correlation_id)}
        )
        for attempt in range(1, attempts + 1):
            self.increment_counter(METRIC_API_CALLS)
            retry_after: str | None = None
            try:
                streamed = await client.send(
                    client.build_request(
                        method,
                        path,
                        json=json,
                        params=params,
                        headers=headers,
                        timeout=timeout_s,
                    ),
                    stream=True,
                )
                response = await http_read_answer(
                    streamed,
                    int(
                        os.getenv(
                            HTTP_MAX_RESPONSE_BYTES_ENV, HTTP_MAX_RESPONSE_BYTES_DEFAULT
                        )
                    ),
                    correlation_id,
                )
            except httpx.TimeoutException as error:
                if attempt >= attempts:
                    raise ModelOnexError(
                        message=f"{method} {shown} timed out after {timeout_s} s (attempt {attempt})",
                        error_code=EnumCoreErrorCode.TIMEOUT,
                        correlation_id=correlation_id,
                        method=method,
                        path=shown,
                        attempts=attempt,
                    ) from error
                reason = "timed out"
            except httpx.TransportError as error:
                if attempt >= attempts:
                    raise ModelOnexError(
                        message=f"{method} {shown} failed (attempt {attempt}): {type(error).__name__}",
                        error_code=EnumCoreErrorCode.NETWORK_ERROR,
                        correlation_id=correlation_id,
                        method=method,
                        path=shown,
                        attempts=attempt,
                    ) from error
                reason = type(error).__name__
            else:
                if response.status_code in HTTP_RETRY_STATUSES and attempt < attempts:
                    reason = f"answered {response.status_code}"
                    retry_after = response.headers.get("Retry-After")
                elif response.is_error:
                    cause = httpx.HTTPStatusError(
                        f"{method} {shown} answered {response.status_code} {response.reason_phrase}",
                        request=response.request,
                        response=response,
                    )
                    raise ModelOnexError(
                        message=f"{method} {shown} answered {response.status_code} {response.reason_phrase} (attempt {attempt})",
                        error_code=http_error_code(response.status_code),
                        correlation_id=correlation_id,
                        status_code=response.status_code,
                        response_body=response.content[:500].decode("utf-8", "replace"),
                        method=method,
                        path=shown,
                        attempts=attempt,
                    ) from cause
                else:
                    return response
            delay = http_backoff_s(attempt, retry_after)
            self.increment_counter(METRIC_API_RETRIES)
            self._emit_log(
                EnumLogLevel.WARNING,
                f"{method} {shown} {reason}; retrying in {round(delay, 3)} s",
                correlation_id,
                method=method,
                path=shown,
                attempt=attempt,
            )
            await asyncio.sleep(delay)
        raise ModelOnexError(
            message=f"{method} {shown}: attempts must be at least 1, got {attempts}",
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            correlation_id=correlation_id,
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

    async def _register_with_consul(self) -> None:
        """Register with Consul; failures are logged and never stop the node."""
        enabled = (
            os.getenv(
                CONSUL_ENABLE_REGISTRATION_ENV, CONSUL_ENABLE_REGISTRATION_DEFAULT
            ).lower()
            in TRUE_VALUES
        )
        if not enabled:
            self._emit_log(
                EnumLogLevel.INFO,
                "consul registration disabled by CONSUL_ENABLE_REGISTRATION",
            )
            return
        service_id = f"onex-fulfilment-{self.node_id}"
        try:
            await asyncio.to_thread(_consul_register, service_id)
            self._consul_service_id = service_id
            self._emit_log(
                EnumLogLevel.INFO, "registered with consul", service_id=service_id
            )
        except ImportError:
            self._emit_log(
                EnumLogLevel.WARNING,
                "py-consul is not installed: consul registration skipped",
            )
        except Exception as error:
            self._emit_log(
                EnumLogLevel.ERROR,
                f"consul registration failed, continuing without it: {error}",
                error_type=type(error).__name__,
            )

    async def _deregister_from_consul(self) -> None:
        """Deregister from Consul; a second call does nothing."""
        service_id = self._consul_service_id
        if service_id is None:
            return
        self._consul_service_id = None
        try:
            await asyncio.to_thread(_consul_deregister, service_id)
            self._emit_log(
                EnumLogLevel.INFO, "deregistered from consul", service_id=service_id
            )
        except Exception as error:
            self._emit_log(
                EnumLogLevel.WARNING, f"consul deregistration failed: {error}"
            )

    async def _check_consul_health(self) -> ModelHealthStatus:
        """HEALTHY while the local agent lists this node's service."""
        service_id = self._consul_service_id
        if service_id is None:
            return ModelHealthStatus.create_degraded(
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message="not registered with consul", severity="medium"
                    )
                ]
            )
        try:
            async with asyncio.timeout(self._health_timeout_s):
                known = await asyncio.to_thread(_consul_service_ids)
        except Exception as error:
            return ModelHealthStatus.create_unhealthy(
                score=0.0,
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message=f"consul agent unreachable: {error}",
                        severity="critical",
                    )
                ],
            )
        if service_id not in known:
            return ModelHealthStatus.create_unhealthy(
                score=0.0,
                issues=[
                    ModelHealthIssue.create_connectivity_issue(
                        message="the consul agent no longer lists this node",
                        severity="critical",
                    )
                ],
            )
        return ModelHealthStatus.create_healthy(score=1.0)

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

    async def _start_discovery(self) -> None:
        """Answer discovery requests on the bound event bus, when it subscribes and publishes."""
        bus = self._get_event_bus()
        if not isinstance(bus, ProtocolEventBus):
            self._emit_log(
                EnumLogLevel.WARNING,
                "no bound event bus subscribes and publishes: discovery requests will not be answered",
            )
            return
        await self._discovery.start_discovery_responder(bus, node_identity())
        self._emit_log(
            EnumLogLevel.INFO,
            "answering discovery requests",
            capabilities=",".join(self._discovery.get_discovery_capabilities()),
        )

    async def _stop_discovery(self) -> None:
        """Stop answering discovery requests; a second call does nothing."""
        await self._discovery.stop_discovery_responder()

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
        try:
            await self._start_redis()
        except Exception as error:
            await self._stop_integrations()
            raise ModelOnexError(
                message=f"could not start redis: {error}",
                error_code=EnumCoreErrorCode.CACHE_CONNECTION_ERROR,
                integration="redis",
            ) from error
        try:
            await self._start_http()
        except Exception as error:
            await self._stop_integrations()
            raise ModelOnexError(
                message=f"could not start http: {error}",
                error_code=EnumCoreErrorCode.NETWORK_ERROR,
                integration="http",
            ) from error
        try:
            await self._start_kafka()
        except Exception as error:
            await self._stop_integrations()
            raise ModelOnexError(
                message=f"could not start kafka: {error}",
                error_code=EnumCoreErrorCode.SERVICE_UNAVAILABLE,
                integration="kafka",
            ) from error
        try:
            await self._start_discovery()
        except Exception as error:
            await self._stop_integrations()
            raise ModelOnexError(
                message=f"could not start discovery: {error}",
                error_code=EnumCoreErrorCode.DISCOVERY_SETUP_FAILED,
                integration="discovery",
            ) from error
        await self._register_with_consul()
        self._started = True
        self._emit_log(
            EnumLogLevel.INFO,
            "node started",
            integrations="postgres,redis,http,kafka,discovery",
        )

    async def cleanup(self) -> None:
        """Release every resource in reverse order, even when one step fails; safe to call twice."""
        await self._deregister_from_consul()
        await self._stop_integrations()
        self._started = False
        await super().cleanup()

    async def _stop_integrations(self) -> None:
        """Stop every integration in reverse start order; one failure does not stop the rest."""
        for name, stop in (
            ("discovery", self._stop_discovery),
            ("kafka", self._stop_kafka),
            ("http", self._stop_http),
            ("redis", self._stop_redis),
            ("postgres", self._stop_postgres),
        ):
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

    async def process(self, input_data: ModelEffectInput) -> ModelFulfilmentOutput:
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
                    message=f"unknown operation {request.operation!r}; expected one of submit, cancel",
                    error_code=EnumCoreErrorCode.INVALID_OPERATION,
                    correlation_id=correlation_id,
                    operation=request.operation,
                )
            output = await handler(request)
            result = output.model_copy(
                update={
                    "processing_time_ms": (time.perf_counter() - started) * 1000.0,
                    "result": output.model_dump(mode="json", exclude=_ENVELOPE_FIELDS),
                }
            )
            await self._publish_domain_event(
                f"{NODE_NAME}.{operation}.completed",
                {"operation": operation, "result": result.result},
                correlation_id,
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
        except redis.exceptions.ConnectionError as error:
            raise self._wrap_error(
                error,
                EnumCoreErrorCode.CACHE_CONNECTION_ERROR,
                operation,
                correlation_id,
            ) from error
        except redis.exceptions.TimeoutError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.CACHE_TIMEOUT_ERROR, operation, correlation_id
            ) from error
        except redis.exceptions.RedisError as error:
            raise self._wrap_error(
                error,
                EnumCoreErrorCode.CACHE_OPERATION_FAILED,
                operation,
                correlation_id,
            ) from error
        except httpx.TimeoutException as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.TIMEOUT, operation, correlation_id
            ) from error
        except httpx.HTTPStatusError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.SERVICE_UNAVAILABLE, operation, correlation_id
            ) from error
        except httpx.TransportError as error:
            raise self._wrap_error(
                error, EnumCoreErrorCode.NETWORK_ERROR, operation, correlation_id
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
        finally:
            await self._record_operation(operation, started, succeeded)

    def _to_request(self, input_data: ModelEffectInput) -> ModelFulfilmentInput:
        """Accept a ModelFulfilmentInput, or a ModelEffectInput whose operation_data holds its fields."""
        if isinstance(input_data, ModelFulfilmentInput):
            return input_data
        if not isinstance(input_data.operation_data, dict):
            raise ModelOnexError(
                message="operation_data must be a dict of ModelFulfilmentInput fields",
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            )
        fields = input_data.model_dump(exclude={"operation_data"})
        fields.update(input_data.operation_data)
        return ModelFulfilmentInput.model_validate(fields)

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
            "cache_commands": int(_metric_value(recorded, METRIC_CACHE_COMMANDS)),
            "api_calls": int(_metric_value(recorded, METRIC_API_CALLS)),
            "api_retries": int(_metric_value(recorded, METRIC_API_RETRIES)),
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
            checks += [
                self._check_postgres_health,
                self._check_redis_health,
                self._check_http_health,
                self._check_kafka_health,
                self._check_consul_health,
            ]
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

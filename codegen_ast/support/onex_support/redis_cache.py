"""Redis: a client resource, and an answer cache on it.

The cache never fails an operation and never holds one up: a read or write that
fails, or takes longer than ``CACHE_TIMEOUT_S`` (0.25), is given up, counted
(``<node>.cache_failures``) and logged, and the answer is computed. A node starts
without Redis (the client connects again on its own) and reports DEGRADED until
Redis answers.

Settings: ``REDIS_URL`` (redis://127.0.0.1:6379/0), ``REDIS_SOCKET_TIMEOUT_S``
(5), ``REDIS_CONNECT_TIMEOUT_S`` (2), ``CACHE_TIMEOUT_S`` (0.25), and the cache's
(``onex_support.cache``).

(Named ``redis_cache``, not ``redis``: a module named like the library would
shadow it when this folder is a script's directory.)
"""

import asyncio
from typing import Literal

import redis.asyncio
import redis.exceptions
from omnibase_core.enums import EnumCoreErrorCode

from onex_support.cache import AnswerCache
from onex_support.errors import Classification, Failure, onex_error
from onex_support.logs import EnumLogLevel, emit_log
from onex_support.resources import NodeResources
from onex_support.settings import setting_float, setting_str

__all__ = ["RedisCache", "RedisClient", "classify_redis"]


def classify_redis(error: BaseException) -> Classification:
    kind = type(error).__name__
    if isinstance(error, redis.exceptions.TimeoutError):
        return Failure(EnumCoreErrorCode.CACHE_TIMEOUT_ERROR, f"redis {kind}", True)
    if isinstance(error, redis.exceptions.ConnectionError):
        return Failure(EnumCoreErrorCode.CACHE_CONNECTION_ERROR, f"redis {kind}", True)
    if isinstance(error, redis.exceptions.RedisError):
        return Failure(EnumCoreErrorCode.CACHE_OPERATION_FAILED, f"redis {kind}")
    return None


class RedisClient:
    """A redis.asyncio client for ``REDIS_URL``; the node can run without it
    (``critical`` False: a failing probe makes it DEGRADED, not UNHEALTHY)."""

    name = "redis"
    start_error = EnumCoreErrorCode.CACHE_CONNECTION_ERROR

    def __init__(self, node: str, *, critical: bool = False) -> None:
        self.node = node
        self.critical = critical
        self.url = setting_str("REDIS_URL", "redis://127.0.0.1:6379/0")
        self.socket_timeout_s = setting_float(
            "REDIS_SOCKET_TIMEOUT_S", 5.0, positive=True
        )
        self.connect_timeout_s = setting_float(
            "REDIS_CONNECT_TIMEOUT_S", 2.0, positive=True
        )
        self._client: redis.asyncio.Redis | None = None
        self.commands = 0

    @property
    def started(self) -> bool:
        return self._client is not None

    async def start(self) -> None:
        """Create the client and try it once (a critical client that does not
        answer stops the start; any other only logs it)."""
        if self._client is not None:
            return
        self._client = redis.asyncio.Redis.from_url(
            self.url,
            socket_timeout=self.socket_timeout_s,
            socket_connect_timeout=self.connect_timeout_s,
            decode_responses=True,
        )
        try:
            async with asyncio.timeout(self.connect_timeout_s):
                await self._client.ping()
        except Exception as error:
            if self.critical:
                await self.stop()
                raise
            emit_log(
                EnumLogLevel.WARNING,
                f"redis does not answer yet ({type(error).__name__}): "
                "running without it until it does",
                self.node,
            )

    async def stop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def probe(self) -> None:
        await self.client.ping()

    def classify(self, error: BaseException) -> Classification:
        return classify_redis(error)

    @property
    def client(self) -> redis.asyncio.Redis:
        """The started client (each use counts as a command)."""
        if self._client is None:
            raise onex_error(
                "redis is not started: the handler must be initialized first",
                EnumCoreErrorCode.INVALID_STATE,
                retryable=False,
            )
        self.commands += 1
        return self._client


class RedisCache(AnswerCache):
    """Answers in Redis (shared by every replica of the node), each read and write
    bounded by CACHE_TIMEOUT_S."""

    def __init__(
        self,
        redis_client: RedisClient,
        ttl_s: int,
        version: str,
        *,
        pays: Literal["measure", "always"] = "measure",
    ) -> None:
        super().__init__(ttl_s, version, pays=pays)
        self.redis = redis_client
        self.timeout_s = setting_float("CACHE_TIMEOUT_S", 0.25, positive=True)

    async def read(self, key: str, resources: NodeResources) -> str | None:
        try:
            async with asyncio.timeout(self.timeout_s):
                value: str | bytes | None = await self.redis.client.get(key)
        except Exception as error:
            self._failed("read", error, resources)
            return None
        return value.decode() if isinstance(value, bytes) else value

    async def write(self, key: str, text: str, resources: NodeResources) -> None:
        try:
            async with asyncio.timeout(self.timeout_s):
                await self.redis.client.set(key, text, ex=self.ttl_s)
        except Exception as error:
            self._failed("write", error, resources)

    def _failed(self, what: str, error: Exception, resources: NodeResources) -> None:
        resources.count("cache_failures")
        reason = (
            f"took over {self.timeout_s} s"
            if isinstance(error, TimeoutError)
            else type(error).__name__
        )
        emit_log(
            EnumLogLevel.WARNING,
            f"cache {what} failed ({reason}): answering without the cache",
            resources.node,
        )

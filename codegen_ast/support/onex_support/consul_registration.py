"""Consul: the node's service registered with the local agent while it runs.

``start`` never blocks the node: registration runs in the background, each call
to the agent bounded by ``CONSUL_TIMEOUT_S`` (2), tried ``CONSUL_REGISTER_ATTEMPTS``
(5) times with backoff; failures are logged, and the node runs on (its health is
DEGRADED, not UNHEALTHY, while it is not registered). ``stop`` deregisters.

Settings: ``CONSUL_ENABLE_REGISTRATION`` (true), ``CONSUL_HOST`` (127.0.0.1),
``CONSUL_PORT`` (8500), ``CONSUL_TIMEOUT_S`` (2), ``CONSUL_REGISTER_ATTEMPTS`` (5),
``CONSUL_BACKOFF_BASE_S`` (0.5, doubled per attempt), ``CONSUL_CHECK_INTERVAL`` (30s), ``SERVICE_HOST`` (127.0.0.1), ``SERVICE_PORT``
(8060), ``SERVICE_HEALTH_PATH`` (/health).

(Named ``consul_registration``, not ``consul``: a module named like the library
would shadow it when this folder is a script's directory.)
"""

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import consul  # type: ignore[import-untyped, unused-ignore]
from omnibase_core.enums import EnumCoreErrorCode

from onex_support.errors import Classification, Failure
from onex_support.logs import EnumLogLevel, emit_log
from onex_support.settings import setting_bool, setting_float, setting_int, setting_str

__all__ = ["ConsulRegistration"]

T = TypeVar("T")


class ConsulRegistration:
    """Registers ``onex-<node>`` (id ``onex-<node>-<host>-<port>``, so a restarted
    node replaces its own entry) with an HTTP health check on the node's
    ``SERVICE_HEALTH_PATH``."""

    name = "consul"
    critical = False
    start_error = EnumCoreErrorCode.SERVICE_START_FAILED

    def __init__(
        self,
        node: str,
        *,
        node_type: str = "",
        version: str = "",
        tags: tuple[str, ...] = (),
    ) -> None:
        self.node = node
        self.enabled = setting_bool("CONSUL_ENABLE_REGISTRATION", True)
        self.consul_host = setting_str("CONSUL_HOST", "127.0.0.1")
        self.consul_port = setting_int("CONSUL_PORT", 8500, minimum=1, maximum=65535)
        self.timeout_s = setting_float("CONSUL_TIMEOUT_S", 2.0, positive=True)
        self.attempts = setting_int("CONSUL_REGISTER_ATTEMPTS", 5, minimum=1)
        self.check_interval = setting_str("CONSUL_CHECK_INTERVAL", "30s")
        self.service_host = setting_str("SERVICE_HOST", "127.0.0.1")
        self.service_port = setting_int("SERVICE_PORT", 8060, minimum=1, maximum=65535)
        self.health_path = setting_str("SERVICE_HEALTH_PATH", "/health")
        self.service_name = f"onex-{node}"
        self.service_id = f"onex-{node}-{self.service_host}-{self.service_port}"
        self.tags = [
            "onex",
            *([node_type] if node_type else []),
            *([f"version:{version}"] if version else []),
            *tags,
        ]
        self.registered = False
        self.backoff_base_s = setting_float("CONSUL_BACKOFF_BASE_S", 0.5, minimum=0.0)
        self._task: asyncio.Task[None] | None = None

    @property
    def started(self) -> bool:
        return self._task is not None or not self.enabled

    def _agent(self) -> Any:
        return consul.Consul(
            host=self.consul_host,
            port=self.consul_port,
            connections_timeout=self.timeout_s,
        ).agent

    async def _call(self, work: Callable[[], T]) -> T:
        """One blocking py-consul call in a thread, bounded by CONSUL_TIMEOUT_S."""
        async with asyncio.timeout(self.timeout_s):
            return await asyncio.to_thread(work)

    def _register_now(self) -> None:
        url = f"http://{self.service_host}:{self.service_port}{self.health_path}"
        self._agent().service.register(
            self.service_name,
            service_id=self.service_id,
            address=self.service_host,
            port=self.service_port,
            tags=self.tags,
            check=consul.Check.http(url, interval=self.check_interval, timeout="5s"),
        )

    async def start(self) -> None:
        """Begin registering in the background; returns at once."""
        if not self.enabled:
            emit_log(
                EnumLogLevel.INFO,
                "consul registration disabled by CONSUL_ENABLE_REGISTRATION",
                self.node,
            )
            return
        if self._task is None:
            self._task = asyncio.create_task(
                self._register(), name=f"{self.node}.consul"
            )

    async def wait_settled(self) -> bool:
        """Wait for the background registration to end; whether it registered."""
        if self._task is not None:
            await asyncio.shield(self._task)
        return self.registered

    async def _register(self) -> None:
        for attempt in range(1, self.attempts + 1):
            try:
                await self._call(self._register_now)
            except Exception as error:
                last = attempt >= self.attempts
                emit_log(
                    EnumLogLevel.ERROR if last else EnumLogLevel.WARNING,
                    f"consul registration failed ({type(error).__name__}, attempt "
                    f"{attempt} of {self.attempts})"
                    + ("; the node runs unregistered" if last else "; trying again"),
                    self.node,
                    service_id=self.service_id,
                )
                if last:
                    return
                await asyncio.sleep(self.backoff_base_s * 2 ** (attempt - 1))
                continue
            self.registered = True
            emit_log(
                EnumLogLevel.INFO,
                "registered with consul",
                self.node,
                service_id=self.service_id,
            )
            return

    async def stop(self) -> None:
        """Stop registering; deregister when registered (a failure is logged)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if not self.registered:
            return
        self.registered = False
        try:
            await self._call(lambda: self._agent().service.deregister(self.service_id))
        except Exception as error:
            emit_log(
                EnumLogLevel.WARNING,
                f"consul deregistration failed ({type(error).__name__}): the agent "
                "drops the service when its health check fails",
                self.node,
                service_id=self.service_id,
            )
            return
        emit_log(
            EnumLogLevel.INFO,
            "deregistered from consul",
            self.node,
            service_id=self.service_id,
        )

    async def probe(self) -> None:
        """Raise unless the agent knows the service."""
        if not self.enabled:
            return
        services: dict[str, object] = await self._call(lambda: self._agent().services())
        if self.service_id not in services:
            raise ConnectionError(f"{self.service_id} is not registered with consul")

    def classify(self, error: BaseException) -> Classification:
        if isinstance(error, consul.ConsulException):
            return Failure(
                EnumCoreErrorCode.SERVICE_UNAVAILABLE,
                f"consul {type(error).__name__}",
                True,
            )
        return None

"""Cache-aside for the answers of pure computations, only where it pays.

``AnswerCache.answer`` keys an answer by node, version, operation and the request's
declared fields, with a TTL. Whether the cache is used is measured per operation:
during a measuring window (the first ``MEASURE_CALLS`` calls, then again every
``REVIEW_EVERY`` calls) each call both looks the answer up and computes it, timing
both. The cache is used while the median lookup costs less than the median
computation times the share of lookups that hit; a formula cheaper than a lookup
is computed directly (``<node>.cache_bypassed`` counts those calls). With
``pays="always"`` the cache is always used.

Settings: ``CACHE_ENABLED`` (true), ``CACHE_TTL_S`` (the declared TTL),
``CACHE_MAX_ENTRIES`` (10000, in memory).
"""

import hashlib
import json
import statistics
import time
from abc import ABC, abstractmethod
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

from pydantic import BaseModel, ValidationError

from onex_support.handlers.operation import OperationRequest
from onex_support.resources import NodeResources
from onex_support.settings import setting_bool, setting_int

__all__ = ["AnswerCache", "CachePolicy", "MemoryCache", "cache_key"]

AnswerT = TypeVar("AnswerT", bound=BaseModel)


def cache_key(
    node: str, version: str, operation: str, fields: dict[str, object]
) -> str:
    """SHA-256 of the node, its version, the operation and the request's declared
    fields (not its ids): a regenerated node that answers differently never reads
    what an older one cached."""
    material = {
        "node": node,
        "version": version,
        "operation": operation,
        "request": fields,
    }
    digest = hashlib.sha256(
        json.dumps(
            material, sort_keys=True, separators=(",", ":"), default=str
        ).encode()
    ).hexdigest()
    return f"{node}:cache:{operation}:{digest}"


class CachePolicy:
    """Measures one operation's lookups and computations and says whether the
    cache pays (see the module's docstring)."""

    MEASURE_CALLS = 8
    REVIEW_EVERY = 256

    def __init__(self, pays: Literal["measure", "always"] = "measure") -> None:
        self.mode = pays
        self.calls = 0
        self.lookups: deque[float] = deque(maxlen=self.MEASURE_CALLS * 4)
        self.computes: deque[float] = deque(maxlen=self.MEASURE_CALLS * 4)
        self.hits: deque[bool] = deque(maxlen=self.MEASURE_CALLS * 4)
        self._pays = True

    def measuring(self) -> bool:
        """Whether this call is part of a measuring window (counts the call)."""
        self.calls += 1
        if self.mode == "always":
            return False
        return (self.calls - 1) % self.REVIEW_EVERY < self.MEASURE_CALLS

    def record(self, lookup_s: float, hit: bool, compute_s: float) -> None:
        self.lookups.append(lookup_s)
        self.hits.append(hit)
        self.computes.append(compute_s)
        if len(self.computes) >= self.MEASURE_CALLS:
            hit_share = sum(self.hits) / len(self.hits)
            self._pays = statistics.median(self.lookups) < hit_share * (
                statistics.median(self.computes)
            )

    @property
    def pays(self) -> bool:
        return self.mode == "always" or self._pays


class AnswerCache(ABC):
    """Answers by key for ``ttl_s`` seconds (CACHE_TTL_S; CACHE_ENABLED), used
    where the policy says it pays. Subclasses store the text."""

    name = "cache"

    def __init__(
        self,
        ttl_s: int,
        version: str,
        *,
        pays: Literal["measure", "always"] = "measure",
    ) -> None:
        self.version = version
        self.ttl_s = setting_int("CACHE_TTL_S", ttl_s, minimum=0)
        self.enabled = self.ttl_s > 0 and setting_bool("CACHE_ENABLED", True)
        self.pays = pays
        self._policies: dict[str, CachePolicy] = {}

    def policy(self, operation: str) -> CachePolicy:
        policy = self._policies.get(operation)
        if policy is None:
            policy = self._policies[operation] = CachePolicy(self.pays)
        return policy

    @abstractmethod
    async def read(self, key: str, resources: NodeResources) -> str | None:
        """The text under ``key``, or None (missing, expired, or unreadable)."""

    @abstractmethod
    async def write(self, key: str, text: str, resources: NodeResources) -> None:
        """Keep ``text`` under ``key`` for the TTL (a failure is not raised)."""

    async def answer(
        self,
        request: OperationRequest,
        fields: dict[str, object],
        answer_type: type[AnswerT],
        compute: Callable[[], Awaitable[AnswerT]],
        resources: NodeResources,
    ) -> AnswerT:
        """Cache-aside: the answer cached for the same operation and ``fields``
        (restamped with this request's correlation id), else ``compute()``, cached;
        ``compute()`` alone where the cache does not pay."""
        if not self.enabled:
            return await compute()
        policy = self.policy(request.operation)
        measuring = policy.measuring()
        if not measuring and not policy.pays:
            resources.count("cache_bypassed", {"operation": request.operation})
            return await compute()
        started = time.perf_counter()
        key = cache_key(resources.node, self.version, request.operation, fields)
        cached = await self._cached(key, answer_type, resources)
        looked_up = time.perf_counter()
        if cached is not None and not measuring:
            resources.count("cache_hits", {"operation": request.operation})
            return cached.model_copy(update={"correlation_id": request.correlation_id})
        answer = await compute()
        computed = time.perf_counter()
        if measuring:
            policy.record(looked_up - started, cached is not None, computed - looked_up)
        if cached is None:
            resources.count("cache_misses", {"operation": request.operation})
            await self.write(key, answer.model_dump_json(), resources)
        return answer

    async def _cached(
        self, key: str, answer_type: type[AnswerT], resources: NodeResources
    ) -> AnswerT | None:
        text = await self.read(key, resources)
        if text is None:
            return None
        try:
            return answer_type.model_validate_json(text)
        except ValidationError:
            resources.count("cache_failures")
            return None


class MemoryCache(AnswerCache):
    """In this process's memory, at most CACHE_MAX_ENTRIES answers (10000); the
    oldest entry makes room for a new one."""

    def __init__(
        self,
        ttl_s: int,
        version: str,
        *,
        pays: Literal["measure", "always"] = "measure",
    ) -> None:
        super().__init__(ttl_s, version, pays=pays)
        self.max_entries = setting_int("CACHE_MAX_ENTRIES", 10000, minimum=1)
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self.evictions = 0

    async def read(self, key: str, resources: NodeResources) -> str | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, text = entry
        if expires < time.monotonic():
            del self._entries[key]
            return None
        return text

    async def write(self, key: str, text: str, resources: NodeResources) -> None:
        self._entries.pop(key, None)
        while len(self._entries) >= self.max_entries:
            self._entries.popitem(last=False)
            self.evictions += 1
        self._entries[key] = (time.monotonic() + self.ttl_s, text)

    def clear(self, prefix: str = "") -> int:
        keys = [key for key in self._entries if key.startswith(prefix)]
        for key in keys:
            del self._entries[key]
        return len(keys)

"""Answer caches: used where a lookup costs less than the computation it saves
(measured), bypassed for a cheap formula; Redis bounded by CACHE_TIMEOUT_S, its
failures never fail the operation; money exact through both."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Literal
from uuid import UUID, uuid4

import pytest
from pydantic import BaseModel, ConfigDict, Field

from onex_support.cache import AnswerCache, MemoryCache
from onex_support.redis_cache import RedisCache, RedisClient
from onex_support.resources import NodeResources
from tests.services import RedisServer


class QuoteInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    operation: Literal["quote"] = "quote"
    correlation_id: UUID = Field(default_factory=uuid4)
    price: Decimal
    quantity: int = 1


class QuoteOutput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    operation: str
    correlation_id: UUID
    total: Decimal


def fields(request: QuoteInput) -> dict[str, object]:
    return request.model_dump(mode="json", exclude={"operation", "correlation_id"})


async def ask(
    cache: AnswerCache, resources: NodeResources, request: QuoteInput, cost_s: float = 0.0
) -> QuoteOutput:
    async def compute() -> QuoteOutput:
        if cost_s:
            await asyncio.sleep(cost_s)
        return QuoteOutput(
            operation=request.operation, correlation_id=request.correlation_id, total=request.price * request.quantity
        )

    return await cache.answer(request, fields(request), QuoteOutput, compute, resources)


async def test_an_expensive_computation_is_served_from_the_cache() -> None:
    cache, resources = MemoryCache(300, "1"), NodeResources("quotes")
    request = QuoteInput(price=Decimal("19.99"), quantity=3)
    for _ in range(cache.policy("quote").MEASURE_CALLS + 5):
        answer = await ask(cache, resources, QuoteInput(price=request.price, quantity=3), cost_s=0.005)
    assert answer.total == Decimal("59.97")
    assert resources.metric("cache_hits") == 5 and resources.metric("cache_bypassed") == 0
    assert cache.policy("quote").pays


async def test_a_cheap_formula_is_computed_not_cached() -> None:
    """A lookup (hashing the request, parsing the cached JSON) costs more than a
    multiplication: after the measuring calls the cache is left out."""
    cache, resources = MemoryCache(300, "1"), NodeResources("quotes")
    calls = cache.policy("quote").MEASURE_CALLS + 20
    for _ in range(calls):
        await ask(cache, resources, QuoteInput(price=Decimal("2.50"), quantity=4))
    assert not cache.policy("quote").pays
    assert resources.metric("cache_bypassed") == 20 and resources.metric("cache_hits") == 0


async def test_always_caches_when_told_and_a_hit_carries_the_callers_correlation_id() -> None:
    cache, resources = MemoryCache(300, "1", pays="always"), NodeResources("quotes")
    first = await ask(cache, resources, QuoteInput(price=Decimal("1.10")))
    second = QuoteInput(price=Decimal("1.10"))
    answer = await ask(cache, resources, second)
    assert resources.metric("cache_hits") == 1 and answer.total == first.total == Decimal("1.10")
    assert answer.correlation_id == second.correlation_id


@pytest.fixture
def redis_env(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[RedisServer]:
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    yield redis_server


@pytest.fixture
async def redis_cache(redis_env: RedisServer) -> AsyncIterator[tuple[RedisCache, NodeResources]]:
    client = RedisClient("quotes")
    resources = NodeResources("quotes", client)
    await resources.acquire()
    yield RedisCache(client, 300, f"v-{uuid4()}", pays="always"), resources
    await resources.release()


async def test_the_redis_cache_answers_like_the_memory_cache(
    redis_cache: tuple[RedisCache, NodeResources], redis_env: RedisServer
) -> None:
    cache, resources = redis_cache
    first = await ask(cache, resources, QuoteInput(price=Decimal("0.10"), quantity=3))
    again = await ask(cache, resources, QuoteInput(price=Decimal("0.10"), quantity=3))
    assert first.total == again.total == Decimal("0.30")
    assert resources.metric("cache_misses") == 1 and resources.metric("cache_hits") == 1
    assert (await resources.health_check_async()).status == "healthy"


async def test_a_hung_redis_costs_at_most_the_cache_timeout(
    redis_cache: tuple[RedisCache, NodeResources], redis_env: RedisServer
) -> None:
    cache, resources = redis_cache
    resources.health_timeout_s = 0.3
    assert redis_env.process is not None
    os.kill(redis_env.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        answer = await ask(cache, resources, QuoteInput(price=Decimal("5")))
        elapsed = time.monotonic() - started
        status = await resources.health_check_async()
    finally:
        os.kill(redis_env.process.pid, signal.SIGCONT)
    assert answer.total == Decimal("5")
    # a read and a write, each given up after CACHE_TIMEOUT_S (0.25 s)
    assert elapsed < 0.25 * 2 + 0.3, elapsed
    assert resources.metric("cache_failures") == 2
    assert status.status == "degraded"  # the node runs on without its cache


async def test_a_node_starts_without_redis_and_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.services import free_port

    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    client = RedisClient("quotes")
    resources = NodeResources("quotes", client)
    await resources.acquire()
    try:
        cache = RedisCache(client, 300, "1", pays="always")
        answer = await ask(cache, resources, QuoteInput(price=Decimal("7")))
        assert answer.total == Decimal("7") and resources.metric("cache_failures") == 2
    finally:
        await resources.release()

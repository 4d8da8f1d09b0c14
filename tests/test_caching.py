"""Cache-aside in generated Compute and Reducer nodes (the caching pattern).

The compute example (examples/price_quote_compute.yaml) caches in the framework's
MixinCaching; the reducer example (examples/sales_totals_reducer.yaml) caches in a
real Redis server. Both handlers are generated from the
spec's formulas; they are counted by wrapping the entry of the node's handler table.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import redis.asyncio
from pydantic import ValidationError
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.compute.model_compute_input import ModelComputeInput
from omnibase_core.models.container.model_onex_container import ModelONEXContainer

from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
from codegen_ast.selection import select
from codegen_ast.spec import NodeSpec
from tests.imports import imported
from tests.services import RedisServer

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
QUOTE_SPEC = read_node_spec(EXAMPLES / "price_quote_compute.yaml")
TOTALS_SPEC = read_node_spec(EXAMPLES / "sales_totals_reducer.yaml")


def _package(spec: NodeSpec, folder: Path) -> Iterator[ModuleType]:
    with imported(generate(spec).write(folder)) as module:
        yield module


@pytest.fixture(scope="module")
def quote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    yield from _package(QUOTE_SPEC, tmp_path_factory.mktemp("quote"))


@pytest.fixture(scope="module")
def totals(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    yield from _package(TOTALS_SPEC, tmp_path_factory.mktemp("totals"))


class Counted:
    """Wraps one entry of a node's handler table and records the requests it ran."""

    def __init__(self, handler: Callable[..., Awaitable[Any]]) -> None:
        self.handler = handler
        self.requests: list[Any] = []

    async def __call__(self, request: Any, *state: Any) -> Any:
        self.requests.append(request)
        return await self.handler(request, *state)


def _counted(node: Any, operation: str) -> Counted:
    counted = Counted(node._handlers[operation])
    node._handlers[operation] = counted
    return counted


def _quote_request(quote: ModuleType, **fields: Any) -> Any:
    values = {"operation": "quote_price", "sku": "A-1", "unit_price": 9.9, "quantity": 3, "discount_pct": 0.0} | fields
    return quote.ModelPriceQuoteInput(**values)


def _declared(output: Any, spec: NodeSpec) -> dict[str, Any]:
    return {field.name: getattr(output, field.name) for field in spec.output_fields}


# --------------------------------------------------------------- compute: MixinCaching


def test_the_spec_selects_caching_and_the_contract_declares_it(quote: ModuleType) -> None:
    assert "caching" in select(QUOTE_SPEC).patterns
    assert quote.node.CACHED_OPERATIONS == frozenset({"quote_price"})
    contract = (Path(quote.__file__).parent / "contract.yaml").read_text()
    assert "cache_backend: memory" in contract and "ttl_seconds: 300" in contract


async def test_identical_request_is_answered_from_the_cache(quote: ModuleType) -> None:
    node = quote.NodePriceQuoteCompute(ModelONEXContainer())
    counted = _counted(node, "quote_price")
    first = await node.process(_quote_request(quote))
    again = _quote_request(quote)
    second = await node.process(again)
    assert len(counted.requests) == 1
    assert (first.cache_hit, second.cache_hit) == (False, True)
    assert _declared(second, QUOTE_SPEC) == _declared(first, QUOTE_SPEC)
    assert second.result == first.result
    # the hit answers this request: its ids, not the cached request's
    assert (second.correlation_id, second.operation_id) == (again.correlation_id, again.operation_id)
    assert second.computation_type == "quote_price"
    metrics = node.get_operation_metrics()
    assert (metrics["cache_hits"], metrics["cache_misses"], metrics["cache_failures"]) == (1, 1, 0)
    assert metrics["successes"] == 2


async def test_a_different_input_is_computed(quote: ModuleType) -> None:
    node = quote.NodePriceQuoteCompute(ModelONEXContainer())
    counted = _counted(node, "quote_price")
    await node.process(_quote_request(quote))
    await node.process(_quote_request(quote, quantity=4))
    await node.process(_quote_request(quote, discount_pct=10.0))
    assert len(counted.requests) == 3
    assert node.get_operation_metrics()["cache_misses"] == 3


async def test_a_plain_framework_input_shares_the_cache(quote: ModuleType) -> None:
    node = quote.NodePriceQuoteCompute(ModelONEXContainer())
    counted = _counted(node, "quote_price")
    await node.process(_quote_request(quote))
    data: Any = {"sku": "A-1", "unit_price": 9.9, "quantity": 3, "discount_pct": 0.0}
    output = await node.process(ModelComputeInput[Any](data=data, computation_type="quote_price"))
    assert output.cache_hit and len(counted.requests) == 1


async def test_entries_expire_after_the_ttl(quote: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CACHE_TTL_S", "1")
    node = quote.NodePriceQuoteCompute(ModelONEXContainer())
    counted = _counted(node, "quote_price")
    await node.process(_quote_request(quote))
    assert (await node.process(_quote_request(quote))).cache_hit
    await asyncio.sleep(1.1)
    assert not (await node.process(_quote_request(quote))).cache_hit
    assert len(counted.requests) == 2


async def test_switches_that_bypass_the_cache(quote: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    node = quote.NodePriceQuoteCompute(ModelONEXContainer())
    # a request that opts out (the framework's ModelComputeInput.cache_enabled)
    counted = _counted(node, "quote_price")
    for _ in range(2):
        await node.process(_quote_request(quote, cache_enabled=False))
    assert len(counted.requests) == 2
    # CACHE_ENABLED=0 switches it off for the node
    monkeypatch.setenv("CACHE_ENABLED", "0")
    off = quote.NodePriceQuoteCompute(ModelONEXContainer())
    counted = _counted(off, "quote_price")
    for _ in range(2):
        await off.process(_quote_request(quote))
    assert len(counted.requests) == 2
    assert off.get_operation_metrics()["cache_misses"] == 0


async def test_only_the_declared_operations_are_cached(tmp_path: Path) -> None:
    declared = QUOTE_SPEC.model_dump() | {
        "name": "line_quote",
        "operations": [{"name": "quote_price"}, {"name": "quote_live"}],
        "cache": {"ttl_s": 60, "operations": ["quote_live"]},
    }
    spec = NodeSpec.model_validate(declared)
    for module in _package(spec, tmp_path):
        node = module.NodeLineQuoteCompute(ModelONEXContainer())
        live, quoted = _counted(node, "quote_live"), _counted(node, "quote_price")
        for operation in ("quote_price", "quote_live") * 2:
            request = module.ModelLineQuoteInput(
                operation=operation, sku="A-1", unit_price=2.0, quantity=1, discount_pct=0.0
            )
            await node.process(request)
        assert (len(quoted.requests), len(live.requests)) == (2, 1)
        assert module.node.CACHE_TTL_S_DEFAULT == "60"


async def test_clear_operation_cache(quote: ModuleType) -> None:
    node = quote.NodePriceQuoteCompute(ModelONEXContainer())
    counted = _counted(node, "quote_price")
    await node.process(_quote_request(quote))
    await node.process(_quote_request(quote, quantity=2))
    assert await node.clear_operation_cache("quote_price") == 2
    await node.process(_quote_request(quote))
    assert len(counted.requests) == 3
    assert await node.clear_operation_cache() == 1
    with pytest.raises(ModelOnexError) as caught:
        await node.clear_operation_cache("no_such_operation")
    assert caught.value.error_code == EnumCoreErrorCode.INVALID_OPERATION


async def test_the_in_process_cache_is_bounded(quote: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    # MixinCaching drops an expired entry only when its key is read again: without a bound,
    # every distinct request would stay in memory for good
    monkeypatch.setenv("CACHE_MAX_ENTRIES", "10")
    node = quote.NodePriceQuoteCompute(ModelONEXContainer())
    counted = _counted(node, "quote_price")
    for quantity in range(1, 41):
        await node.process(_quote_request(quote, quantity=quantity))
        assert len(node._cache_data) <= 10  # what the process holds, expired or not
    # the oldest answers made room for the newest, which are still answered from the cache
    assert (await node.process(_quote_request(quote, quantity=40))).cache_hit
    assert not (await node.process(_quote_request(quote, quantity=1))).cache_hit
    assert len(counted.requests) == 41
    assert node.get_operation_metrics()["cache_evictions"] >= 30


async def test_an_entry_that_no_longer_fits_is_recomputed(quote: ModuleType) -> None:
    node = quote.NodePriceQuoteCompute(ModelONEXContainer())
    counted = _counted(node, "quote_price")
    request = _quote_request(quote)
    await node.set_cached(node._cache_key(request), '{"total": "not a number"}', ttl_seconds=60)
    output = await node.process(request)
    assert not output.cache_hit and len(counted.requests) == 1
    assert node.get_operation_metrics()["cache_failures"] == 1
    assert (await node.process(_quote_request(quote))).cache_hit  # the bad entry was replaced


# --------------------------------------------------------------------- reducer: Redis


@pytest.fixture
async def redis_client(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[redis.asyncio.Redis]:
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    client = redis.asyncio.Redis.from_url(redis_server.url, decode_responses=True)
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture
async def reducer(totals: ModuleType, redis_client: redis.asyncio.Redis) -> AsyncIterator[Any]:
    node = await _started(totals)
    yield node
    await node.cleanup()


async def _started(totals: ModuleType) -> Any:
    node = totals.NodeSalesTotalsReducer(ModelONEXContainer())
    await node.initialize()
    return node


def _sale(totals: ModuleType, amount: float = 10.0) -> Any:
    return totals.ModelSalesTotalsInput(operation="record_sale", store_id="s-1", amount=amount)


async def _keys(client: redis.asyncio.Redis) -> list[str]:
    return sorted(await client.keys("*"))


async def test_reducer_answers_are_cached_in_redis_with_the_ttl(
    totals: ModuleType, reducer: Any, redis_client: redis.asyncio.Redis
) -> None:
    await reducer.process(_sale(totals))
    keys = await _keys(redis_client)
    assert len(keys) == 1 and keys[0].startswith("sales_totals:cache:record_sale:")
    assert 590 <= await redis_client.ttl(keys[0]) <= 600  # SET ... EX ttl_s of the spec
    assert "correlation_id" not in await redis_client.get(keys[0])  # only the declared fields


async def test_reducer_key_includes_the_state_and_a_hit_updates_it(
    totals: ModuleType, reducer: Any, redis_client: redis.asyncio.Redis
) -> None:
    counted = _counted(reducer, "record_sale")
    first = await reducer.process(_sale(totals))
    second = await reducer.process(_sale(totals))  # same sale, other state: computed
    assert (first.total, second.total, second.sales) == (10.0, 20.0, 2)
    assert len(counted.requests) == 2
    # a second node starts from no state: the same two sales are answered from Redis
    other = await _started(totals)
    try:
        replay = _counted(other, "record_sale")
        again = _sale(totals)
        hit = await other.process(again)
        assert (hit.total, hit.sales) == (10.0, 1)
        assert hit.correlation_id == again.correlation_id and hit.operation_id == again.operation_id
        assert other.get_reduced_state() == hit  # the hit reduced the state as computing would
        assert (await other.process(_sale(totals))).total == 20.0
        assert replay.requests == []
        metrics = other.get_operation_metrics()
        assert (metrics["cache_hits"], metrics["cache_misses"]) == (2, 0)
    finally:
        await other.cleanup()


async def test_a_changed_formula_never_reads_the_answers_of_the_old_one(
    totals: ModuleType, reducer: Any, redis_client: redis.asyncio.Redis, tmp_path: Path
) -> None:
    # the same node and version with another formula (a rolling deploy shares the Redis):
    # the old answer, folded into the new node's state, would corrupt its totals for good
    await reducer.process(_sale(totals))
    changed = TOTALS_SPEC.model_dump()
    changed["output_fields"][1]["formula"] = "total + amount * 2"
    for module in _package(NodeSpec.model_validate(changed), tmp_path):
        node = module.NodeSalesTotalsReducer(ModelONEXContainer())
        await node.initialize()
        try:
            output = await node.process(module.ModelSalesTotalsInput(operation="record_sale", store_id="s-1", amount=10.0))
        finally:
            await node.cleanup()
        assert output.total == 20.0
        assert node.get_operation_metrics()["cache_hits"] == 0
    assert len(await _keys(redis_client)) == 2


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN"])
def test_a_non_finite_number_never_reaches_a_formula(totals: ModuleType, quote: ModuleType, number: str) -> None:
    # JSON parsers accept these; one sale of inf or nan would make the running totals inf or nan for good
    sale = '{"operation": "record_sale", "store_id": "s-1", "amount": %s}' % number
    with pytest.raises(ValidationError, match="amount"):
        totals.ModelSalesTotalsInput.model_validate_json(sale)
    line = '{"operation": "quote_price", "sku": "A", "unit_price": %s, "quantity": 1, "discount_pct": 0}' % number
    with pytest.raises(ValidationError, match="unit_price"):
        quote.ModelPriceQuoteInput.model_validate_json(line)


async def test_reducer_entries_expire(
    totals: ModuleType, redis_client: redis.asyncio.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CACHE_TTL_S", "1")
    node = await _started(totals)
    try:
        await node.process(_sale(totals))
        (key,) = await _keys(redis_client)
        assert 0 < await redis_client.ttl(key) <= 1
        node._reduced = None  # replay onto the same (empty) state
        assert node.get_operation_metrics()["cache_hits"] == 0
        await node.process(_sale(totals))
        assert node.get_operation_metrics()["cache_hits"] == 1
        await asyncio.sleep(1.2)
        assert await _keys(redis_client) == []
        node._reduced = None
        counted = _counted(node, "record_sale")
        await node.process(_sale(totals))
        assert len(counted.requests) == 1  # expired: computed again, and stored again
        assert len(await _keys(redis_client)) == 1
    finally:
        await node.cleanup()


async def test_redis_down_never_fails_the_operation(
    totals: ModuleType, reducer: Any, redis_server: RedisServer, redis_client: redis.asyncio.Redis
) -> None:
    logged: list[tuple[Any, ...]] = []
    emit = reducer._emit_log

    def recording(level: Any, message: str, correlation_id: Any = None, **context: Any) -> None:
        logged.append((level, message, correlation_id))
        emit(level, message, correlation_id, **context)

    reducer._emit_log = recording
    counted = _counted(reducer, "record_sale")
    with redis_server.stopped():
        request = _sale(totals)
        output = await reducer.process(request)
    assert output.total == 10.0 and len(counted.requests) == 1
    metrics = reducer.get_operation_metrics()
    assert (metrics["successes"], metrics["failures"]) == (1, 0)
    assert metrics["cache_failures"] == 1 and metrics["cache_hits"] == 0
    assert any("cache read failed" in message and cid == request.correlation_id for _, message, cid in logged)
    # Redis is back (empty): caching resumes without a restart of the node
    for _ in range(3):
        reducer._reduced = None
        await reducer.process(_sale(totals))
    metrics = reducer.get_operation_metrics()
    assert (metrics["cache_misses"], metrics["cache_hits"], len(counted.requests)) == (1, 2, 2)


async def test_a_hung_redis_holds_an_operation_up_for_the_cache_timeout_only(
    totals: ModuleType, redis_server: RedisServer, redis_client: redis.asyncio.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real Redis, suspended (SIGSTOP): it accepts the connection and never
    answers. The cache read is given up after CACHE_TIMEOUT_S (and the write is then
    skipped), so the operation is computed without waiting out the client's 5 s
    socket timeout under the reducer's state lock."""
    monkeypatch.setenv("CACHE_TIMEOUT_S", "0.2")
    node = await _started(totals)
    assert redis_server.process is not None
    os.kill(redis_server.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        output = await node.process(_sale(totals))
        waited = time.monotonic() - started
    finally:
        os.kill(redis_server.process.pid, signal.SIGCONT)
    assert output.total == 10.0
    assert waited < 2.5, f"waited {waited:.2f} s: the cache timeout did not bound the hung Redis"
    metrics = node.get_operation_metrics()
    assert (metrics["successes"], metrics["cache_failures"]) == (1, 1)  # the read gave up
    await node.cleanup()


async def test_clear_operation_cache_in_redis(
    totals: ModuleType, reducer: Any, redis_client: redis.asyncio.Redis
) -> None:
    await redis_client.set("unrelated", "kept")
    await reducer.process(_sale(totals))
    await reducer.process(_sale(totals))
    assert await reducer.clear_operation_cache("record_sale") == 2
    assert await _keys(redis_client) == ["unrelated"]

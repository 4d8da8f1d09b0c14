"""FoldHandler: a reducer with no state machine folds each request into its previous
answer — one fold at a time, a failed fold leaves the state, and a cached fold is keyed
by the request *and* the state, a hit becoming the new state as a computed answer does."""

from __future__ import annotations

import asyncio
from typing import Literal
from uuid import UUID, uuid4

import pytest
from omnibase_core.errors import ModelOnexError
from pydantic import BaseModel, ConfigDict, Field

from onex_support.cache import MemoryCache
from onex_support.fold import FoldResources
from onex_support.handlers import FoldHandler
from onex_support.resources import Registry


class Sale(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    operation: Literal["record_sale"] = "record_sale"
    correlation_id: UUID = Field(default_factory=uuid4)
    amount: float


class Totals(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    operation: str
    correlation_id: UUID
    total: float
    sales: int


class TotalsResources(FoldResources):
    def __init__(self) -> None:
        super().__init__("totals")


class CachedTotalsResources(FoldResources):
    shared = MemoryCache(300, "1", pays="always")  # one cache for every resources object: a store beside the node

    def __init__(self) -> None:
        self.cache = self.shared
        super().__init__("totals")


def totals_handler(registry: Registry[TotalsResources] | Registry[CachedTotalsResources], *, cached: bool = False,
                   pause: bool = False) -> type[FoldHandler[Sale, Totals, FoldResources]]:
    class HandlerRecordSale(FoldHandler[Sale, Totals, FoldResources]):
        operation = "record_sale"
        answer_type = Totals
        folded: list[Sale] = []

        async def fold(self, request: Sale, state: Totals | None) -> Totals:
            self.folded.append(request)
            if request.amount < 0:
                raise ValueError("a refund is not a sale")
            total = (state.total if state is not None else 0) + request.amount
            if pause:
                await asyncio.sleep(0)  # another fold would read the same state here without the lock
            sales = (state.sales if state is not None else 0) + 1
            return Totals(operation=request.operation, correlation_id=request.correlation_id, total=total, sales=sales)

    HandlerRecordSale.registry = registry  # type: ignore[assignment]
    HandlerRecordSale.cached = cached
    return HandlerRecordSale


async def test_each_sale_folds_into_the_previous_answer() -> None:
    handler = totals_handler(Registry(TotalsResources))()
    first = await handler.handle(Sale(amount=10.0))
    second = await handler.handle(Sale(amount=2.5))
    assert first is not None and second is not None
    assert (first.total, first.sales) == (10.0, 1)  # state None before the first: the formulas read 0
    assert (second.total, second.sales) == (12.5, 2)
    assert handler.registry.resources().reduced.get("state") == second
    await handler.shutdown()


async def test_a_failed_fold_leaves_the_state_as_it_was() -> None:
    handler = totals_handler(Registry(TotalsResources))()
    kept = await handler.handle(Sale(amount=10.0))
    with pytest.raises(ModelOnexError):
        await handler.handle(Sale(amount=-1.0))
    assert handler.registry.resources().reduced.get("state") == kept
    after = await handler.handle(Sale(amount=1.0))
    assert after is not None and (after.total, after.sales) == (11.0, 2)
    await handler.shutdown()


async def test_concurrent_folds_take_turns() -> None:
    handler = totals_handler(Registry(TotalsResources), pause=True)()
    await asyncio.gather(*(handler.handle(Sale(amount=1.0)) for _ in range(20)))
    reduced = handler.registry.resources().reduced.get("state")
    assert isinstance(reduced, Totals) and (reduced.total, reduced.sales) == (20.0, 20)
    await handler.shutdown()


async def test_handlers_of_one_node_fold_into_one_state() -> None:
    registry = Registry(TotalsResources)
    one, other = totals_handler(registry)(), totals_handler(registry)()
    await one.handle(Sale(amount=3.0))
    answer = await other.handle(Sale(amount=4.0))
    assert answer is not None and (answer.total, answer.sales) == (7.0, 2)


async def test_a_cached_fold_is_keyed_by_the_state_and_a_hit_becomes_the_state() -> None:
    CachedTotalsResources.shared = MemoryCache(300, "1", pays="always")
    first_node = totals_handler(Registry(CachedTotalsResources), cached=True)
    handler = first_node()
    one = await handler.handle(Sale(amount=10.0))
    two = await handler.handle(Sale(amount=10.0))  # the same sale onto other totals: computed
    assert one is not None and two is not None and (two.total, two.sales) == (20.0, 2)
    assert len(first_node.folded) == 2
    resources = handler.registry.resources()
    assert resources.metric("cache_misses") == 2 and resources.metric("cache_hits") == 0

    # a node that starts from no state replays the same two sales: both answered by the cache
    second_node = totals_handler(Registry(CachedTotalsResources), cached=True)
    replay = second_node()
    again = Sale(amount=10.0)
    hit = await replay.handle(again)
    assert hit is not None and (hit.total, hit.sales) == (10.0, 1) and hit.correlation_id == again.correlation_id
    assert replay.registry.resources().reduced.get("state") == hit  # the hit is the new state
    following = await replay.handle(Sale(amount=10.0))
    assert following is not None and (following.total, following.sales) == (20.0, 2)
    assert second_node.folded == [] and replay.registry.resources().metric("cache_hits") == 2


def test_a_fold_handler_declares_its_answer_type() -> None:
    with pytest.raises(ValueError, match="answer_type"):
        class HandlerBroken(FoldHandler[Sale, Totals, FoldResources]):  # noqa: F841
            operation = "record_sale"

            async def fold(self, request: Sale, state: Totals | None) -> Totals:
                raise NotImplementedError

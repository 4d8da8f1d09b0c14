"""A reducer with no state machine (examples/sales_totals_reducer.yaml: running totals
by formula, answers cached in Redis) in the declarative shape: one FoldHandler per
operation on a shell, its formulas reading the answer reduced so far; end to end on
RuntimeLocal against a real Redis, as a library across calls, and through every
checker."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.readers import read_spec
from codegen_ast.spec import NodeSpec
from tests.checkers import importable, run_on_runtime
from tests.declarative.conftest import EXAMPLES, assert_every_checker_passes, output_folder
from tests.services import RedisServer

TOTALS = "node_sales_totals_reducer"
TOPIC = "onex.evt.analytics.sales-totals-completed.v1"


@pytest.fixture(scope="module")
def folds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return output_folder(tmp_path_factory, "folds", "sales_totals_reducer")


@pytest.fixture
def redis_env(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[redis.Redis]:
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    client.flushdb()
    yield client
    client.close()


def test_a_folding_reducer_is_one_fold_handler_per_operation_on_a_shell(folds: Path) -> None:
    package = folds / TOTALS
    handler = (package / "handlers" / "handler_record_sale.py").read_text(encoding="utf-8")
    assert "FoldHandler[" in handler and "answer_type = ModelSalesTotalsOutput" in handler
    assert "cached = True" in handler  # the base answers cache-aside, the state part of the key
    assert "state: Maybe[ModelSalesTotalsOutput]" in handler
    assert "total = (state.total if state is not None else 0) + request.amount" in handler
    registry = (package / "registry" / "registry_sales_totals.py").read_text(encoding="utf-8")
    assert "class SalesTotalsResources(FoldResources)" in registry and "RedisCache(self.redis, 600" in registry
    node = (package / "node.py").read_text(encoding="utf-8")
    assert len(node.splitlines()) < 40 and node.count("def ") == 1  # __init__ only


def test_a_folding_reducer_runs_on_runtime_local_and_caches_in_redis(
    folds: Path, tmp_path: Path, redis_env: redis.Redis
) -> None:
    run = run_on_runtime(folds, TOTALS, {"operation": "record_sale", "store_id": "s-1", "amount": 12.5}, tmp_path)
    assert run.outcome == "completed", run.last_error
    answer = run.result["handler_result"]
    assert (answer["store_id"], answer["total"], answer["sales"]) == ("s-1", 12.5, 1)  # from no state: 0 + 12.5
    assert [p["total"] for p in run.on(TOPIC)] == [12.5]
    [key] = redis_env.keys("*")
    assert key.startswith("sales_totals:cache:record_sale:")
    assert 590 <= redis_env.ttl(key) <= 600  # the spec's ttl_s

    refused = run_on_runtime(folds, TOTALS, {"operation": "record_sale", "store_id": "s-1", "amount": "NaN"},
                             tmp_path / "nan")
    assert refused.outcome == "failed"  # a non-finite amount never reaches the running totals


def _sales(folds: Path, amounts: list[float]) -> list[Any]:
    """The answers of one node (one event loop) to a sale of each amount, in order."""
    with importable(folds):
        from node_sales_totals_reducer import ModelSalesTotalsInput, SalesTotalsOperations

        async def run() -> list[Any]:
            node = SalesTotalsOperations()
            await node.initialize()
            try:
                return [await node.handle(ModelSalesTotalsInput(operation="record_sale", store_id="s-1", amount=a))
                        for a in amounts]
            finally:
                await node.shutdown()

        return asyncio.run(run())


def test_each_sale_folds_into_the_totals_so_far(folds: Path, redis_env: redis.Redis) -> None:
    answers = _sales(folds, [10.0, 2.5, 7.5])
    assert [(a.total, a.sales) for a in answers] == [(10.0, 1), (12.5, 2), (20.0, 3)]
    assert len(redis_env.keys("*")) == 3  # each answer cached under its request and the state it folded into
    # a new node (new loop) starts from no state: the same sales give the same totals, under the same keys
    assert [(a.total, a.sales) for a in _sales(folds, [10.0, 2.5])] == [(10.0, 1), (12.5, 2)]
    assert len(redis_env.keys("*")) == 3


def test_a_changed_formula_never_reads_the_answers_of_the_old_one(folds: Path, tmp_path: Path) -> None:
    spec = read_spec(EXAMPLES / "sales_totals_reducer.yaml").spec
    changed = spec.model_dump()
    changed["output_fields"][1]["formula"] = "total + amount * 2"
    versions = []
    for source in (spec, NodeSpec.model_validate(changed)):
        registry = generate_declarative(source).files["registry/registry_sales_totals.py"]
        [line] = [line for line in registry.splitlines() if "RedisCache(" in line]
        versions.append(line)
    assert versions[0] != versions[1]  # the cache's version carries a digest of the formulas


def test_a_folding_reducer_passes_every_checker(folds: Path, tmp_path: Path) -> None:
    assert_every_checker_passes(folds, [folds / TOTALS], tmp_path / "compliance")

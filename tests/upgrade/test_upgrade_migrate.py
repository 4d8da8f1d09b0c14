"""`upgrade --to declarative`: a hand-written node whose process() routes by
operation becomes a shell, one handler per operation, an entry handler and
handler_routing in its contract, its models kept. The old and the new node
answer the same requests with the same answers and the same error codes; a node
that cannot be moved safely is left unchanged, with the reason."""

from __future__ import annotations

import asyncio
import importlib
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from codegen_ast.cli import main
from codegen_ast.upgrade.migrate import migrate_node, write_migration
from codegen_ast.validate import validate

CORPUS = Path(__file__).resolve().parent / "migrate" / "src"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(CORPUS, tmp_path / "src")
    return tmp_path / "src"


def _forget(*roots: str) -> None:
    for name in [name for name in sys.modules if name.split(".")[0] in roots]:
        del sys.modules[name]


def answers(src: Path, call: Callable[[Any], Any], requests: Callable[[Any], list[Any]], models: str) -> list[Any]:
    """Each request's answer (as JSON) or its error (type and code), with ``src`` importable alone."""
    _forget("shop", "onex_support")
    sys.path.insert(0, str(src))
    try:
        made = requests(importlib.import_module(models))
        results: list[Any] = []

        async def run_all() -> None:
            for request in made:
                try:
                    answer = await call(request)
                except Exception as error:  # noqa: BLE001 - the error is the outcome
                    results.append((type(error).__name__, str(getattr(error, "error_code", None))))
                else:
                    results.append(answer.model_dump(mode="json"))

        asyncio.run(run_all())
        return results
    finally:
        sys.path.remove(str(src))
        _forget("shop", "onex_support")


def old_node(module: str, cls: str) -> Callable[[Any], Any]:
    def call(request: Any) -> Any:
        from omnibase_core.models.container.model_onex_container import ModelONEXContainer

        node = getattr(importlib.import_module(module), cls)(ModelONEXContainer())
        return node.process(request)

    return call


def new_node(package: str, entry: str) -> Callable[[Any], Any]:
    def call(request: Any) -> Any:
        return getattr(importlib.import_module(f"{package}.handler"), entry)().handle(request)

    return call


def order_requests(models: Any) -> list[Any]:
    request = models.ModelOrdersInput
    return [
        request(operation="quote", sku="apple", quantity=2, correlation_id="00000000-0000-0000-0000-000000000001"),
        request(operation="quote", sku="plum", correlation_id="00000000-0000-0000-0000-000000000002"),
        request(operation="reserve", sku="pear", quantity=3, correlation_id="00000000-0000-0000-0000-000000000003"),
        request(operation="reserve", sku="pear", quantity=11, correlation_id="00000000-0000-0000-0000-000000000004"),
        request(operation="cancel", sku="pear", correlation_id="00000000-0000-0000-0000-000000000005"),
        request.model_construct(operation="refund", sku="pear", quantity=1, correlation_id=None),
    ]


def pricing_requests(models: Any) -> list[Any]:
    request = models.ModelPricingInput
    return [
        request(operation="net", amount=10.0, correlation_id="00000000-0000-0000-0000-000000000011"),
        request(operation="gross", amount=10.0, correlation_id="00000000-0000-0000-0000-000000000012"),
        request(operation="gross", amount=-1.0, correlation_id="00000000-0000-0000-0000-000000000013"),
        request.model_construct(operation="tax", amount=1.0, correlation_id=None),
    ]


CASES = [
    ("orders", "NodeOrdersEffect", "OrdersOperations", order_requests),
    ("pricing", "NodePricingCompute", "PricingOperations", pricing_requests),
]


@pytest.mark.parametrize(("name", "cls", "entry", "requests"), CASES, ids=[case[0] for case in CASES])
def test_the_old_and_the_new_node_answer_alike(
    tree: Path, name: str, cls: str, entry: str, requests: Callable[[Any], list[Any]]
) -> None:
    package, models = f"shop.nodes.{name}", f"shop.nodes.{name}.models"
    before = answers(tree, old_node(f"{package}.node", cls), requests, models)
    migration = migrate_node(tree / "shop" / "nodes" / name / "node.py")
    assert migration.reason is None and migration.changed
    write_migration(migration)
    after = answers(tree, new_node(package, entry), requests, models)
    assert after == before
    assert any(isinstance(item, dict) for item in before) and any(isinstance(item, tuple) for item in before)
    codes = [item[1] for item in before if isinstance(item, tuple)]
    assert any(code.endswith("_INVALID_OPERATION") for code in codes) and len(set(codes)) >= 2
    # the models stayed where they were; the shell passes the declarative rule; the contract routes
    assert (tree / "shop" / "nodes" / name / "models.py").read_bytes() == (CORPUS / "shop" / "nodes" / name / "models.py").read_bytes()
    report = validate([tree / "shop" / "nodes" / name], level="basic")
    assert [f for f in report.findings if f.rule.startswith(("DCL", "STR010"))] == [], report.render_text()
    contract = (tree / "shop" / "nodes" / name / "contract.yaml").read_text()
    assert f"default_handler: {package}.handler:{entry}" in contract and "routing_strategy: operation_match" in contract
    assert (tree / "onex_support" / "__init__.py").is_file()


@pytest.mark.parametrize(
    ("node", "reason"),
    [
        ("stateful", "NodeCacheEffect.__init__ keeps state (self._seen)"),
        ("reads_state", "an operation reads self.container, node state a handler cannot share"),
        ("no_correlation", "has no correlation_id"),
        ("value_error_fallback", "raise ValueError"),
    ],
)
def test_a_node_it_cannot_move_safely_is_left_unchanged_with_the_reason(tree: Path, node: str, reason: str) -> None:
    path = tree / "shop" / "nodes" / "refusals" / node / "node.py"
    before = {p: p.read_bytes() for p in tree.rglob("*")if p.is_file()}
    migration = migrate_node(path)
    assert migration.reason is not None and reason in migration.reason, migration.reason
    assert not migration.changed and migration.files == {}
    status = CliRunner().invoke(main, ["upgrade", "--to", "declarative", str(path.parent), "--write"])
    assert status.exit_code == 1 and reason in status.output
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == before


def test_the_command_shows_then_writes_the_migration(tree: Path) -> None:
    folder = tree / "shop" / "nodes" / "orders"
    shown = CliRunner().invoke(main, ["upgrade", "--to", "declarative", str(folder), "--check"])
    assert shown.exit_code == 1 and "would migrate" in shown.output and "quote, reserve, cancel" in shown.output
    assert not (folder / "handler.py").exists()
    diff = CliRunner().invoke(main, ["upgrade", "--to", "declarative", str(folder)])
    assert diff.exit_code == 0 and "+++ b/" in diff.output and "handlers/handler_quote.py" in diff.output
    written = CliRunner().invoke(main, ["upgrade", "--to", "declarative", str(folder), "--write"])
    assert written.exit_code == 0, written.output
    assert (folder / "handlers" / "handler_reserve.py").is_file()
    again = CliRunner().invoke(main, ["upgrade", "--to", "declarative", str(folder), "--check"])
    assert again.exit_code == 0 and "declarative already" in again.output

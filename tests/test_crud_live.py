"""The generated database Effect node (examples/orders_crud_effect.yaml)
against a real PostgreSQL started by the tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import asyncpg
import pytest
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.container.model_onex_container import ModelONEXContainer

from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
from tests.imports import imported
from tests.services import PostgresServer

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "orders_crud_effect.yaml"
HOSTILE = "O'Brien'; DROP TABLE orders; --"


@pytest.fixture
def crud(tmp_path: Path) -> Iterator[ModuleType]:
    package = generate(read_node_spec(EXAMPLE))
    with imported(package.write(tmp_path)) as module:
        yield module


async def _migrate(server: PostgresServer, package: ModuleType) -> None:
    migration = Path(package.__file__).parent / "migrations" / "001_create_orders.sql"
    connection = await asyncpg.connect(**server.connect_kwargs())
    try:
        await connection.execute('DROP TABLE IF EXISTS "orders"')
        await connection.execute(migration.read_text())
    finally:
        await connection.close()


async def test_crud_round_trip_through_process(
    crud: ModuleType, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _migrate(postgres_server, crud)
    monkeypatch.setenv("POSTGRES_DSN", postgres_server.dsn)
    node = crud.NodeOrderBookEffect(ModelONEXContainer())
    await node.initialize()
    Input = crud.ModelOrderBookInput
    try:
        created = await node.process(Input(operation="create_order", order_id="A-1", customer=HOSTILE, amount=12.5))
        assert (created.order_id, created.customer, created.amount) == ("A-1", HOSTILE, 12.5)
        await node.process(Input(operation="create_order", order_id="B-2", customer="Bea", amount=3.0))

        read = await node.process(Input(operation="read_order", order_id="A-1"))
        assert read.customer == HOSTILE  # stored verbatim, table intact

        updated = await node.process(Input(operation="update_order", order_id="A-1", amount=20.0))
        assert (updated.customer, updated.amount) == (HOSTILE, 20.0)  # None keeps the stored value

        listed = await node.process(Input(operation="list_orders"))
        assert listed.total == 2
        assert [r["order_id"] for r in listed.records] == ["A-1", "B-2"]
        assert listed.records[0]["amount"] == 20.0

        deleted = await node.process(Input(operation="delete_order", order_id="B-2"))
        assert deleted.customer == "Bea"
        assert (await node.process(Input(operation="list_orders"))).total == 1

        for operation in ("read_order", "update_order", "delete_order"):
            request = Input(operation=operation, order_id="missing")
            with pytest.raises(ModelOnexError) as caught:
                await node.process(request)
            assert caught.value.error_code == EnumCoreErrorCode.NOT_FOUND
            assert caught.value.correlation_id == request.correlation_id

        with pytest.raises(ModelOnexError) as duplicate:
            await node.process(Input(operation="create_order", order_id="A-1"))
        assert duplicate.value.error_code == EnumCoreErrorCode.DATABASE_QUERY_ERROR
        assert isinstance(duplicate.value.__cause__, asyncpg.UniqueViolationError)

        with pytest.raises(ModelOnexError) as no_key:
            await node.process(Input(operation="read_order"))
        assert no_key.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert node.get_operation_metrics()["queries"] >= 9
    finally:
        await node.cleanup()

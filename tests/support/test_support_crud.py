"""CRUD helpers: a list is read a bounded page at a time by key, on a real
PostgreSQL; the not-found and missing-field errors name no value."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import uuid4

import asyncpg
import pytest
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError

from onex_support.crud import found, next_page, page_request, required
from onex_support.errors import error_context
from onex_support.postgres import PostgresPool
from tests.support.helpers import SECRET, Database

PAGE_QUERY = "SELECT sku FROM items WHERE ($1::text IS NULL OR sku > $1) ORDER BY sku LIMIT $2"


@pytest.fixture
async def items(postgres_env: Database) -> AsyncIterator[PostgresPool]:
    admin = await postgres_env.admin()
    await admin.execute(
        "DROP TABLE IF EXISTS items; CREATE TABLE items (sku text PRIMARY KEY);"
        "INSERT INTO items SELECT 'sku-' || i FROM generate_series(1, 7) AS i;"
        f'GRANT ALL ON items TO "{postgres_env.server.user}"'
    )
    await admin.close()
    pool = PostgresPool()
    await pool.start()
    yield pool
    await pool.stop()


async def read_all(pool: PostgresPool, limit: int) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = page_request(limit, cursor, uuid4())
        rows: list[asyncpg.Record] = await pool.fetch(PAGE_QUERY, page.after, page.fetch_size)
        result = next_page(rows, page, "sku")
        pages.append([row["sku"] for row in result.rows])
        cursor = result.next_cursor
        if cursor is None:
            return pages


async def test_a_list_is_read_page_by_page_to_its_end(items: PostgresPool) -> None:
    pages = await read_all(items, 3)
    assert [len(page) for page in pages] == [3, 3, 1]
    assert sorted(sku for page in pages for sku in page) == sorted(f"sku-{i}" for i in range(1, 8))
    assert await read_all(items, 7) == [sorted(f"sku-{i}" for i in range(1, 8))]


def test_the_page_size_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    assert page_request(None, None, uuid4()).size == 50
    monkeypatch.setenv("LIST_MAX_PAGE_SIZE", "100")
    for limit in (0, 101):
        with pytest.raises(ModelOnexError) as raised:
            page_request(limit, None, uuid4())
        assert raised.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert "between 1 and 100" in raised.value.message
    monkeypatch.setenv("LIST_MAX_PAGE_SIZE", "1000000")
    with pytest.raises(ModelOnexError) as raised:
        page_request(None, None, uuid4())
    assert raised.value.error_code == EnumCoreErrorCode.CONFIGURATION_ERROR


def test_a_cursor_not_made_here_is_refused() -> None:
    for cursor in ("not-base64!", "e30=", "WzFd"):  # garbage, {}, [1]
        with pytest.raises(ModelOnexError) as raised:
            page_request(10, cursor, uuid4())
        assert raised.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert error_context(raised.value)["field"] == "cursor"


def test_found_and_required_name_the_field_never_the_value() -> None:
    with pytest.raises(ModelOnexError) as missing:
        found(None, "orders", "order_id", uuid4())
    assert missing.value.error_code == EnumCoreErrorCode.NOT_FOUND
    assert missing.value.message == "no orders row has the order_id asked for"
    assert found({"order_id": SECRET}, "orders", "order_id", uuid4()) == {"order_id": SECRET}
    with pytest.raises(ModelOnexError) as absent:
        required(None, "order_id", "read_order", uuid4())
    assert absent.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    assert required(SECRET, "order_id", "read_order", uuid4()) == SECRET

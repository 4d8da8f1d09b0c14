"""Looks an order up with SQL assembled from the request."""

from typing import Protocol


class Connection(Protocol):
    async def fetchrow(self, query: str, *args: object) -> object: ...


async def find_order(conn: Connection, order_id: str) -> object:
    query = f"SELECT * FROM orders WHERE id = '{order_id}'"
    return await conn.fetchrow(query)  # expect: SEC005

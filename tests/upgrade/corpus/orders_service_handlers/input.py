"""Order persistence, written by hand before codegen-ast existed.

The node keeps one asyncpg pool and routes each operation to a handler method.
"""

from __future__ import annotations

from typing import Any

import asyncpg  # type: ignore[import-untyped]
from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes.node_service_effect import ModelServiceEffect

ORDERS_TABLE = "orders"  # the schema lives in migrations/, not here


class NodeOrdersEffect(ModelServiceEffect):
    """Stores and reads orders in PostgreSQL."""

    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)
        self._pool: Any = None  # created lazily by _connection()

    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        data = dict(input_data.operation_data)
        operation = str(data.pop("operation", "get_order"))
        if operation == "create_order":
            result = await self._handle_create_order(data)
        elif operation == "get_order":
            result = await self._handle_get_order(data)
        else:
            raise ValueError(f"unknown operation {operation}")
        return ModelEffectOutput(
            result=result,
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

    async def _handle_create_order(self, data: dict[str, Any]) -> dict[str, Any]:
        pool = await self._connection()
        row = await pool.fetchrow(
            f"INSERT INTO {ORDERS_TABLE} (customer, amount) VALUES ($1, $2) RETURNING id",
            data["customer"],
            data["amount"],
        )
        return {"order_id": row["id"]}

    async def _handle_get_order(self, data: dict[str, Any]) -> dict[str, Any]:
        pool = await self._connection()
        row = await pool.fetchrow(f"SELECT * FROM {ORDERS_TABLE} WHERE id = $1", data["order_id"])
        return dict(row) if row else {}

    async def _connection(self) -> Any:
        if self._pool is None:
            self._pool = await asyncpg.create_pool("postgresql://localhost/orders")
        return self._pool

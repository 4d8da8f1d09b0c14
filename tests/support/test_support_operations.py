"""OperationHandler and OperationRouter: one log line per failure at the level its
outcome deserves, no request value in any log record on any error path, metrics,
declared events on the framework's bus, resources shared and released."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any, Literal
from uuid import UUID, uuid4

import asyncpg
import pytest
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from pydantic import BaseModel, ConfigDict, Field

from onex_support.crud import found
from onex_support.events import DeclaredEvent
from onex_support.handlers import OperationHandler, OperationRouter
from onex_support.http_api import HttpApi
from onex_support.postgres import PostgresPool
from onex_support.resources import NodeResources, Registry
from tests.support.helpers import SECRET, Answer, Database, HttpStandIn, assert_no_secret, onex_lines, published

CARD_CHARGED = DeclaredEvent("card.charged", "onex.evt.cards.card-charged.v1")


class CardInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    operation: Literal["charge", "lookup", "broken", "store", "verify"]
    correlation_id: UUID = Field(default_factory=uuid4)
    card: str | None = None
    quantity: int | None = None


class CardOutput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    operation: str
    correlation_id: UUID
    card: str | None = None
    quantity: int | None = None


class CardResources(NodeResources):
    def __init__(self) -> None:
        self.postgres = PostgresPool()
        self.http = HttpApi("cards")
        super().__init__("cards", self.postgres, self.http)


REGISTRY: Registry[CardResources] = Registry(CardResources)


class Base(OperationHandler[CardInput, CardOutput, CardResources]):
    registry = REGISTRY

    def answer(self, request: CardInput, **fields: object) -> CardOutput:
        return CardOutput(operation=request.operation, correlation_id=request.correlation_id, **fields)  # type: ignore[arg-type]


class HandlerCharge(Base):
    """Builds an answer from a wrong type: pydantic refuses (quoting the input)."""

    operation = "charge"
    events = (CARD_CHARGED,)

    async def run(self, request: CardInput, resources: CardResources) -> CardOutput:
        if request.quantity == 1:
            return self.answer(request, card=request.card, quantity=1)
        return self.answer(request, quantity=request.card)


class HandlerLookup(Base):
    operation = "lookup"

    async def run(self, request: CardInput, resources: CardResources) -> CardOutput:
        row = await resources.postgres.fetchrow("SELECT card FROM cards WHERE card = $1", request.card)
        row = found(row, "cards", "card", request.correlation_id)
        return self.answer(request, card=row["card"])


class HandlerBroken(Base):
    """A defect: int() of a request value."""

    operation = "broken"

    async def run(self, request: CardInput, resources: CardResources) -> CardOutput:
        return self.answer(request, quantity=int(request.card or ""))


class HandlerStore(Base):
    operation = "store"

    async def run(self, request: CardInput, resources: CardResources) -> CardOutput:
        await resources.postgres.execute("INSERT INTO cards VALUES ($1, $2)", request.card, request.quantity)
        return self.answer(request, card=request.card)


class HandlerVerify(Base):
    operation = "verify"

    async def run(self, request: CardInput, resources: CardResources) -> CardOutput:
        await resources.http.call(
            "POST",
            "/cards/{card}/verify",
            path_params={"card": request.card},
            json={"card": request.card},
            correlation_id=request.correlation_id,
            timeout_s=2,
        )
        return self.answer(request, card=request.card)


class CardOperations(OperationRouter[CardInput, CardOutput]):
    routes = (HandlerCharge, HandlerLookup, HandlerBroken, HandlerStore, HandlerVerify)


@pytest.fixture
async def node(postgres_env: Database, http_env: HttpStandIn, bus: Any) -> AsyncIterator[CardOperations]:
    admin = await postgres_env.admin()
    await admin.execute(
        "DROP TABLE IF EXISTS cards; CREATE TABLE cards (card text PRIMARY KEY, uses int);"
        f"GRANT ALL ON cards TO \"{postgres_env.server.user}\""
    )
    await admin.close()
    REGISTRY.reset()
    operations = CardOperations(event_bus=bus)
    await operations.initialize()
    yield operations
    await operations.shutdown()
    REGISTRY.reset()


async def failed(node: CardOperations, operation: str, **fields: Any) -> ModelOnexError:
    with pytest.raises(ModelOnexError) as raised:
        await node.handle(CardInput(operation=operation, **fields))  # type: ignore[arg-type]
    assert SECRET not in raised.value.message and SECRET not in json.dumps(raised.value.model.context, default=str)
    return raised.value


def last_line(logs: pytest.LogCaptureFixture) -> dict[str, Any]:
    return [line for line in onex_lines(logs) if "operation" in line["context"]][-1]


async def test_every_error_path_keeps_request_values_out_of_the_logs(
    node: CardOperations, http_env: HttpStandIn, logs: pytest.LogCaptureFixture, postgres_env: Database
) -> None:
    codes = {}
    codes["pydantic"] = (await failed(node, "charge", card=SECRET)).error_code
    codes["not found"] = (await failed(node, "lookup", card=SECRET)).error_code
    codes["defect"] = (await failed(node, "broken", card=SECRET)).error_code
    await node.handle(CardInput(operation="store", card=SECRET, quantity=1))
    codes["duplicate"] = (await failed(node, "store", card=SECRET, quantity=1)).error_code
    http_env.script("POST /cards/", Answer(422, {"detail": f"card {SECRET} is invalid"}))
    codes["http 422"] = (await failed(node, "verify", card=SECRET)).error_code
    assert codes == {
        "pydantic": EnumCoreErrorCode.VALIDATION_ERROR,
        "not found": EnumCoreErrorCode.NOT_FOUND,
        "defect": EnumCoreErrorCode.INTERNAL_ERROR,
        "duplicate": EnumCoreErrorCode.INVALID_STATE,
        "http 422": EnumCoreErrorCode.VALIDATION_ERROR,
    }
    assert len([line for line in onex_lines(logs) if "error_code" in line["context"]]) == 5
    assert_no_secret(logs)


async def test_log_levels_fit_the_outcome(node: CardOperations, logs: pytest.LogCaptureFixture, http_env: HttpStandIn) -> None:
    await failed(node, "lookup", card="c-1")
    assert last_line(logs)["level"] == "info"  # not found: an answer, not an incident
    http_env.script("POST /cards/", Answer(503))
    await failed(node, "verify", card="c-1")
    line = last_line(logs)
    assert line["level"] == "warning" and line["context"]["retryable"] is True
    await failed(node, "broken", card="x")
    line = last_line(logs)
    assert line["level"] == "error" and line["context"]["error_code"] == str(EnumCoreErrorCode.INTERNAL_ERROR)
    assert line["context"]["raised_at"].startswith("test_support_operations.py:")


async def test_a_defect_is_raised_without_its_original_text(node: CardOperations) -> None:
    error = await failed(node, "broken", card=SECRET)
    assert error.__cause__ is None and error.__suppress_context__
    assert "ValueError at test_support_operations.py" in error.message


async def test_metrics_events_and_routing(node: CardOperations, bus: Any) -> None:
    answer = await node.handle(CardInput(operation="charge", card="c-9", quantity=1))
    assert answer.card == "c-9"
    await failed(node, "lookup", card="c-0")
    resources = REGISTRY.resources()
    assert resources.metric("successes") == 1 and resources.metric("failures") == 1
    assert resources.metric("operations") == 2 and resources.metric("events_published") == 1
    [event] = await published(bus, CARD_CHARGED.topic)
    assert event["event_type"] == "card.charged" and event["payload"]["card"] == "c-9"
    assert event["correlation_id"] == str(answer.correlation_id)
    # a handler of another operation answers None (the runtime delivers every command to all)
    assert await HandlerLookup().handle(CardInput(operation="charge")) is None


async def test_the_router_refuses_an_unknown_operation() -> None:
    class Loose(BaseModel):
        operation: str
        correlation_id: UUID = Field(default_factory=uuid4)

    with pytest.raises(ModelOnexError) as raised:
        await CardOperations().handle(Loose(operation="refund"))  # type: ignore[arg-type]
    assert raised.value.error_code == EnumCoreErrorCode.INVALID_OPERATION


async def test_resources_start_once_and_stop_with_the_last_holder(node: CardOperations) -> None:
    resources = REGISTRY.resources()
    assert resources.users == 5 and resources.postgres.started
    await node.shutdown()
    assert resources.users == 0 and not resources.postgres.started


async def test_a_start_failure_names_the_integration_and_its_code(
    postgres_env: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.services import free_port

    monkeypatch.setenv("POSTGRES_DSN", f"postgresql://u:p@127.0.0.1:{free_port()}/db")
    REGISTRY.reset()
    with pytest.raises(ModelOnexError) as raised:
        await HandlerLookup().initialize()
    assert raised.value.error_code == EnumCoreErrorCode.DATABASE_CONNECTION_ERROR
    assert "could not start postgres" in raised.value.message
    assert REGISTRY.resources().users == 0
    REGISTRY.reset()


async def test_health_check_mode_starts_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEX_HEALTH_CHECK_MODE", "true")
    REGISTRY.reset()
    handler = HandlerLookup()
    await handler.initialize()
    assert not REGISTRY.resources().postgres.started
    assert (await handler.health_check()).status == "healthy"
    await handler.shutdown()
    REGISTRY.reset()


async def test_asyncpg_detail_never_reaches_the_message(node: CardOperations, postgres_env: Database) -> None:
    await node.handle(CardInput(operation="store", card=SECRET, quantity=1))
    connection = await postgres_env.connect()
    try:
        with pytest.raises(asyncpg.UniqueViolationError) as raw:
            await connection.execute("INSERT INTO cards VALUES ($1, 1)", SECRET)
    finally:
        await connection.close()
    assert SECRET in (raw.value.detail or "")  # the driver's detail quotes it...
    error = await failed(node, "store", card=SECRET, quantity=1)  # ...our error does not
    assert "constraint cards_pkey" in error.message

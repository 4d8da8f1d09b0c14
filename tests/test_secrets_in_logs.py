"""No request data in logs: a secret sent through every generated error path
appears in no log record, nor on stdout or stderr.

The secret travels as a sensitive field (a URL path segment, a query value, a
body field, a table key) and as the value of a field of the wrong type (which
pydantic's own error text would repeat as ``input_value=...``); each error path
is then driven for real: the HTTP service answers 404, 5xx, a timeout, a
refused connection whose text names the URL, a body that is not JSON, a field of
the wrong type, an answer too long; a handler raises with the secret in its
message; PostgreSQL finds no row and refuses a duplicate key; an event's payload
does not fit and its operation fails.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope

from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
from codegen_ast.spec import NodeSpec
from tests.imports import imported
from tests.services import PostgresServer

SECRET = "s3cr3t-VALUE-4242"  # nothing JSON, URL quoting or repr would escape
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

VAULT = NodeSpec.model_validate(
    {
        "name": "vault",
        "node_type": "effect",
        "description": "Items kept behind a token.",
        "operations": [
            {"name": "get_item", "http": {"method": "GET", "path": "/items/{token}"}},
            {"name": "put_item", "http": {"method": "PUT", "path": "/items/{token}"}},
        ],
        "input_fields": [
            {"name": "token", "type": "str"},
            {"name": "client_secret", "type": "str", "required": False},
            {"name": "password", "type": "str", "required": False},
            {"name": "note", "type": "str", "required": False},
        ],
        "output_fields": [{"name": "note", "type": "str | None"}, {"name": "quantity", "type": "int | None"}],
    }
)
ACCOUNTS = NodeSpec.model_validate(
    {
        "name": "accounts",
        "node_type": "effect",
        "description": "Accounts keyed by their API key.",
        "database": {"table": "accounts", "key": "api_key"},
        "operations": ["create_account", "read_account"],
        "input_fields": [{"name": "api_key", "type": "str"}, {"name": "password", "type": "str", "required": False}],
    }
)


class Recorded(logging.Handler):
    """Every log record of every logger, as the text a log sink would store."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(f"{record.getMessage()} {record.__dict__}")


@pytest.fixture
def logs(capfd: pytest.CaptureFixture[str]) -> Iterator[Recorded]:
    recorded = Recorded()
    root = logging.getLogger()
    level = root.level
    root.addHandler(recorded)
    root.setLevel(logging.DEBUG)
    try:
        yield recorded
    finally:
        root.removeHandler(recorded)
        root.setLevel(level)
    out, err = capfd.readouterr()
    assert recorded.texts, "the error paths logged nothing: the test would prove nothing"
    leaked = [text for text in [*recorded.texts, out, err] if SECRET in text]
    assert leaked == []


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with imported(generate(VAULT).write(tmp_path_factory.mktemp("vault"))) as module:
        yield module


def _vault_node(vault: ModuleType, answer: Callable[[httpx.Request], httpx.Response]) -> Any:
    node = vault.NodeVaultEffect(ModelONEXContainer())
    node._http = httpx.AsyncClient(base_url="http://stand-in.test/api", transport=httpx.MockTransport(answer))
    return node


def _refuse_connection(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError(f"cannot reach {request.url}", request=request)


def _time_out(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout(f"no answer from {request.url}", request=request)


ANSWERS: dict[str, Callable[[httpx.Request], httpx.Response]] = {
    "404": lambda request: httpx.Response(404, text=f"no item {request.url}"),
    "503 after retries": lambda request: httpx.Response(503, text=f"down for {request.url}"),
    "timeout": _time_out,
    "connection refused": _refuse_connection,
    "not JSON": lambda request: httpx.Response(200, text=f"<html>{request.url}</html>"),
    "wrong field type": lambda request: httpx.Response(200, json={"quantity": {"echo": str(request.url)}}),
    "too long": lambda request: httpx.Response(200, text=str(request.url) * 4000),
}


@pytest.mark.parametrize("case", list(ANSWERS))
@pytest.mark.parametrize("operation", ["get_item", "put_item"])
async def test_http_error_paths_log_no_request_value(
    vault: ModuleType, logs: Recorded, monkeypatch: pytest.MonkeyPatch, case: str, operation: str
) -> None:
    monkeypatch.setenv("HTTP_BACKOFF_BASE_S", "0.001")
    monkeypatch.setenv("HTTP_MAX_RESPONSE_BYTES", "10000")
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ANSWERS[case](request)

    node = _vault_node(vault, answer)
    request = vault.ModelVaultInput(operation=operation, token=SECRET, client_secret=SECRET, password=SECRET, note=SECRET)
    with pytest.raises(ModelOnexError):
        await node.process(request)
    sent = seen[0]
    assert f"/api/items/{SECRET}" == sent.url.path  # the secret was sent, under the base URL's prefix
    assert SECRET in (sent.url.query.decode() if operation == "get_item" else sent.content.decode())


async def test_invalid_input_and_a_failing_handler_log_no_request_value(vault: ModuleType, logs: Recorded) -> None:
    node = _vault_node(vault, lambda request: httpx.Response(200, json={}))
    plain = ModelEffectInput(
        effect_type="api_call", operation_data={"operation": "get_item", "token": SECRET, "note": {"nested": SECRET}}
    )
    with pytest.raises(ModelOnexError) as caught:
        await node.process(plain)
    assert "note: Input should be a valid string" in caught.value.message  # which field, not what it held

    async def fail(self: Any, request: Any) -> Any:
        raise RuntimeError(f"could not store {request.token.get_secret_value()}")

    handler = vault.handlers.HandlerGetItem
    original, handler.handle = handler.handle, fail
    try:
        node = _vault_node(vault, lambda request: httpx.Response(200, json={}))  # its handlers see the patch
        with pytest.raises(ModelOnexError, match="failed: RuntimeError"):
            await node.process(vault.ModelVaultInput(operation="get_item", token=SECRET))
    finally:
        handler.handle = original


async def test_database_error_paths_log_no_request_value(
    tmp_path: Path, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch, logs: Recorded
) -> None:
    with imported(generate(ACCOUNTS).write(tmp_path)) as accounts:
        connection = await asyncpg.connect(**postgres_server.connect_kwargs())
        try:
            await connection.execute('DROP TABLE IF EXISTS "accounts"')
            await connection.execute((tmp_path / "node_accounts_effect/migrations/001_create_accounts.sql").read_text())
        finally:
            await connection.close()
        monkeypatch.setenv("POSTGRES_DSN", postgres_server.dsn)
        node = accounts.NodeAccountsEffect(ModelONEXContainer())
        await node.initialize()
        try:
            Input = accounts.ModelAccountsInput
            with pytest.raises(ModelOnexError, match="no accounts row has the requested api_key"):
                await node.process(Input(operation="read_account", api_key=SECRET))
            created = await node.process(Input(operation="create_account", api_key=SECRET, password=SECRET))
            assert created.api_key.get_secret_value() == SECRET  # stored and read back as the secret itself
            with pytest.raises(ModelOnexError, match="UniqueViolationError"):
                await node.process(Input(operation="create_account", api_key=SECRET, password=SECRET))
        finally:
            await node.cleanup()


async def test_event_error_paths_log_no_request_value(tmp_path: Path, logs: Recorded) -> None:
    from tests.test_events_declared import CAPTURED, MessageStandIn

    with imported(generate(read_node_spec(EXAMPLES / "payments_events_effect.yaml")).write(tmp_path)) as payments:
        node = payments.NodePaymentsEffect(ModelONEXContainer())  # not initialised: its operation fails
        for payload in ({"order_id": SECRET, "amount_paid": {"echo": SECRET}}, {"order_id": SECRET}):
            envelope = ModelEventEnvelope[dict[str, object]](
                payload=payload, event_type="payment.captured", correlation_id=uuid4(), source_tool="shop"
            )
            message = MessageStandIn(envelope.model_dump_json().encode(), topic=CAPTURED)
            await node.handle_event_message(message)
            assert message.settled in (["ack"], ["nack"])
        assert json.dumps(node.get_operation_metrics())  # both paths ran: one rejected, one failed
        assert node.get_operation_metrics()["events_rejected"] == 1
        assert node.get_operation_metrics()["event_operations_failed"] == 1

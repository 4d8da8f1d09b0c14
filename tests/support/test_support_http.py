"""HttpApi against a real local HTTP server: a whole-call deadline, retries only
where they are safe, idempotency keys stable across retries and redeliveries, the
status kept in the error, exact money in the body and the answer."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from uuid import uuid4

import pytest
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError

from onex_support.errors import error_context, is_retryable
from onex_support.http_api import HttpApi, idempotency_key, json_answer
from tests.services import free_port
from tests.support.helpers import Answer, HttpStandIn


@pytest.fixture
async def api(http_env: HttpStandIn) -> HttpApi:
    client = HttpApi("orders")
    await client.start()
    yield client  # type: ignore[misc]
    await client.stop()


async def failure(api: HttpApi, *args: object, **kwargs: object) -> ModelOnexError:
    with pytest.raises(ModelOnexError) as raised:
        await api.call(*args, **kwargs)  # type: ignore[arg-type]
    return raised.value


async def test_a_server_dribbling_bytes_cannot_hold_a_call_past_its_deadline(
    api: HttpApi, http_env: HttpStandIn
) -> None:
    """httpx's timeout bounds each read; the call's deadline bounds the whole of it."""
    http_env.script("GET /slow", Answer(body=b"x" * 40, dribble_s=0.05))
    started = time.monotonic()
    error = await failure(api, "GET", "/slow", timeout_s=0.5)
    elapsed = time.monotonic() - started
    assert error.error_code == EnumCoreErrorCode.TIMEOUT
    assert "did not complete within 0.5 s" in error.message
    assert elapsed < 0.9, elapsed  # the body alone takes 2 s, each byte well within a read timeout


async def test_retries_and_backoff_share_the_deadline(api: HttpApi, http_env: HttpStandIn) -> None:
    http_env.script("GET /busy", *[Answer(503, delay_s=0.15)] * 10)
    started = time.monotonic()
    error = await failure(api, "GET", "/busy", timeout_s=0.5, attempts=10)
    assert time.monotonic() - started < 0.9
    assert error.error_code in (EnumCoreErrorCode.TIMEOUT, EnumCoreErrorCode.SERVICE_UNAVAILABLE)
    assert 2 <= len(http_env.calls("GET /busy")) < 10


async def test_a_refused_connection_is_a_network_error_not_operation_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_BASE_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("HTTP_BACKOFF_BASE_S", "0.01")
    api = HttpApi("orders")
    await api.start()
    try:
        error = await failure(api, "POST", "/orders", json={"a": 1}, attempts=3, timeout_s=2)
    finally:
        await api.stop()
    assert error.error_code == EnumCoreErrorCode.NETWORK_ERROR
    assert is_retryable(error)
    # nothing was sent, so even a POST without a correlation id was tried again
    assert error_context(error)["attempts"] == 3


@pytest.mark.parametrize(
    ("status", "code", "retryable"),
    [
        (400, EnumCoreErrorCode.VALIDATION_ERROR, False),
        (404, EnumCoreErrorCode.NOT_FOUND, False),
        (409, EnumCoreErrorCode.INVALID_STATE, False),
        (429, EnumCoreErrorCode.RATE_LIMIT_ERROR, True),
        (500, EnumCoreErrorCode.DEPENDENCY_FAILED, False),
        (503, EnumCoreErrorCode.SERVICE_UNAVAILABLE, True),
    ],
)
async def test_each_status_keeps_its_code_and_the_status_in_the_context(
    api: HttpApi, http_env: HttpStandIn, status: int, code: EnumCoreErrorCode, retryable: bool
) -> None:
    http_env.script("GET /items/", Answer(status))
    error = await failure(api, "GET", "/items/{sku}", path_params={"sku": "W 1/2"}, timeout_s=2)
    assert error.error_code == code
    context = error_context(error)
    assert context["status_code"] == status and context["route"] == "/items/{sku}"
    assert context["retryable"] is retryable
    assert http_env.calls()[0].path == "/items/W%201%2F2"
    assert "W 1/2" not in error.message  # the route template, never the value


async def test_an_idempotent_call_is_retried_and_a_post_gets_a_stable_idempotency_key(
    api: HttpApi, http_env: HttpStandIn
) -> None:
    correlation_id = uuid4()
    http_env.script("POST /payments", Answer(503), Answer(502), Answer(201, {"payment_id": "p-1"}))
    response = await api.call(
        "POST", "/payments", json={"amount": "1"}, attempts=3, timeout_s=5, correlation_id=correlation_id
    )
    assert response.status_code == 201
    keys = [call.headers["Idempotency-Key"] for call in http_env.calls("POST /payments")]
    assert len(keys) == 3 and len(set(keys)) == 1
    assert keys[0] == idempotency_key(correlation_id, "POST /payments")
    # the same request redelivered (same correlation id): the same key
    await api.call("POST", "/payments", json={"amount": "1"}, timeout_s=5, correlation_id=correlation_id)
    assert http_env.calls("POST /payments")[-1].headers["Idempotency-Key"] == keys[0]
    # another request, another key; a GET needs none
    await api.call("POST", "/payments", json={"amount": "1"}, timeout_s=5, correlation_id=uuid4())
    assert http_env.calls("POST /payments")[-1].headers["Idempotency-Key"] != keys[0]
    await api.call("GET", "/payments", timeout_s=5, correlation_id=correlation_id)
    assert "Idempotency-Key" not in http_env.calls("GET /payments")[-1].headers


async def test_a_post_without_an_idempotency_key_is_sent_once(api: HttpApi, http_env: HttpStandIn) -> None:
    http_env.script("POST /charges", Answer(503), Answer(201))
    error = await failure(api, "POST", "/charges", json={}, attempts=3, timeout_s=5)
    assert error.error_code == EnumCoreErrorCode.SERVICE_UNAVAILABLE
    assert len(http_env.calls("POST /charges")) == 1


async def test_a_numeric_retry_after_is_honoured(api: HttpApi, http_env: HttpStandIn) -> None:
    http_env.script("GET /limited", Answer(429, headers={"Retry-After": "1"}), Answer(200))
    started = time.monotonic()
    response = await api.call("GET", "/limited", attempts=2, timeout_s=5)
    assert response.status_code == 200 and time.monotonic() - started >= 1.0


async def test_a_path_value_that_names_another_resource_is_refused(api: HttpApi, http_env: HttpStandIn) -> None:
    for value in ("", ".", "..", None):
        error = await failure(api, "DELETE", "/orders/{order_id}", path_params={"order_id": value})
        assert error.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert error_context(error)["field"] == "order_id"
    assert http_env.calls() == []


async def test_an_oversized_answer_is_not_read_further(
    http_env: HttpStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_MAX_RESPONSE_BYTES", "100")
    api = HttpApi("orders")
    await api.start()
    http_env.script("GET /big", Answer(body=b"x" * 1000))
    try:
        error = await failure(api, "GET", "/big", timeout_s=2)
    finally:
        await api.stop()
    assert error.error_code == EnumCoreErrorCode.CONTRACT_VIOLATION


async def test_money_stays_exact_both_ways(api: HttpApi, http_env: HttpStandIn) -> None:
    http_env.script("POST /quotes", Answer(body=b'{"total": 0.30000000000000001, "lines": [19.99]}'))
    response = await api.call(
        "POST", "/quotes", json={"amount": Decimal("0.10") + Decimal("0.20")}, timeout_s=2, correlation_id=uuid4()
    )
    assert json.loads(http_env.calls("POST /quotes")[0].body) == {"amount": "0.30"}
    answer = json_answer(response)
    assert answer == {"total": Decimal("0.30000000000000001"), "lines": [Decimal("19.99")]}


async def test_the_health_probe_reports_an_answering_and_a_failing_api(
    http_env: HttpStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    from onex_support.resources import NodeResources

    api = HttpApi("orders")
    resources = NodeResources("orders", api)
    assert (await resources.health_check_async()).status == "degraded"  # not started
    await resources.acquire()
    try:
        assert (await resources.health_check_async()).status == "healthy"
        http_env.script("GET /health", Answer(500))
        status = await resources.health_check_async()
        assert status.status == "unhealthy"
        assert any("health check failed" in issue.message for issue in status.issues)
    finally:
        await resources.release()

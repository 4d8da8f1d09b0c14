"""Settings are parsed as their declared type with a clear error; the circuit
breaker counts consecutive failures and settles every call, even a cancelled one."""

from __future__ import annotations

import asyncio

import pytest
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError

from onex_support.breaker import BreakerState, CircuitBreaker
from onex_support.errors import error_context
from onex_support.http_api import HttpApi
from onex_support.settings import setting_bool, setting_float, setting_int
from tests.support.helpers import Answer, HttpStandIn


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_number_of_seconds_is_read_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_CIRCUIT_RESET_S", "5")
    assert setting_float("HTTP_CIRCUIT_RESET_S", 30.0, positive=True) == 5.0
    monkeypatch.setenv("HTTP_CIRCUIT_RESET_S", "0.5")
    assert setting_float("HTTP_CIRCUIT_RESET_S", 30.0, positive=True) == 0.5
    monkeypatch.setenv("HTTP_CIRCUIT_RESET_S", "  ")
    assert setting_float("HTTP_CIRCUIT_RESET_S", 30.0, positive=True) == 30.0


@pytest.mark.parametrize(
    ("read", "value", "expected"),
    [
        (lambda: setting_float("X_S", 1.0), "abc", "is not a number"),
        (lambda: setting_float("X_S", 1.0), "nan", "is not a finite number"),
        (lambda: setting_float("X_S", 1.0, positive=True), "0", "above 0"),
        (lambda: setting_int("X_S", 1), "5.0", "is not a whole number"),
        (lambda: setting_int("X_S", 1, minimum=1), "0", "at least 1"),
        (lambda: setting_bool("X_S", True), "maybe", "1/true/yes/on"),
    ],
)
def test_a_bad_value_is_a_configuration_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, read: object, value: str, expected: str
) -> None:
    monkeypatch.setenv("X_S", value)
    with pytest.raises(ModelOnexError) as raised:
        read()  # type: ignore[operator]
    assert raised.value.error_code == EnumCoreErrorCode.CONFIGURATION_ERROR
    assert f"X_S={value!r}" in raised.value.message and expected in raised.value.message
    assert error_context(raised.value)["variable"] == "X_S"


def test_the_http_breaker_takes_its_settings_as_declared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_CIRCUIT_RESET_S", "5")
    monkeypatch.setenv("HTTP_CIRCUIT_FAILURES", "2")
    api = HttpApi("n", breaker=True)
    assert api.circuit is not None and api.circuit.reset_s == 5.0 and api.circuit.failures == 2
    monkeypatch.setenv("HTTP_CIRCUIT_RESET_S", "0.5")
    assert HttpApi("n", breaker=True).circuit.reset_s == 0.5  # type: ignore[union-attr]
    monkeypatch.setenv("HTTP_CIRCUIT_RESET_S", "abc")
    with pytest.raises(ModelOnexError) as raised:
        HttpApi("n", breaker=True)
    assert raised.value.error_code == EnumCoreErrorCode.CONFIGURATION_ERROR
    assert "HTTP_CIRCUIT_RESET_S" in raised.value.message


def test_consecutive_failures_open_the_circuit() -> None:
    clock = Clock()
    breaker = CircuitBreaker(3, 10.0, clock=clock)
    for _ in range(3):
        ticket = breaker.admit()
        assert ticket is not None
        breaker.settle(ticket, False)
    assert breaker.state is BreakerState.OPEN and breaker.admit() is None
    clock.now += 9.9
    assert breaker.admit() is None
    clock.now += 0.2
    assert breaker.state is BreakerState.HALF_OPEN


def test_failures_spread_over_successes_never_open_it() -> None:
    """5 errors in 200 calls: each one followed by successes, the count starts again."""
    breaker = CircuitBreaker(5, 10.0, clock=Clock())
    for call in range(200):
        ticket = breaker.admit()
        assert ticket is not None, f"refused at call {call}"
        breaker.settle(ticket, call % 40 != 0)
    assert breaker.state is BreakerState.CLOSED


def test_the_half_open_trial_decides_and_a_cancelled_trial_frees_its_slot() -> None:
    clock = Clock()
    breaker = CircuitBreaker(1, 10.0, clock=clock)
    breaker.settle(breaker.admit(), False)  # type: ignore[arg-type]
    clock.now += 10.0
    for _ in range(3):  # three trials cancelled in turn: each frees the slot
        trial = breaker.admit()
        assert trial is not None and trial.trial
        assert breaker.admit() is None  # one trial at a time
        breaker.settle(trial, None)
    trial = breaker.admit()
    assert trial is not None
    breaker.settle(trial, False)
    assert breaker.state is BreakerState.OPEN  # a failed trial opens it again
    clock.now += 10.0
    trial = breaker.admit()
    breaker.settle(trial, True)  # type: ignore[arg-type]
    assert breaker.state is BreakerState.CLOSED and breaker.consecutive_failures == 0


async def test_an_open_circuit_refuses_without_a_network_call(
    http_env: HttpStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_CIRCUIT_FAILURES", "2")
    http_env.script("GET /stock", Answer(503), Answer(503))
    api = HttpApi("n", breaker=True)
    await api.start()
    try:
        for _ in range(2):
            with pytest.raises(ModelOnexError) as raised:
                await api.call("GET", "/stock", timeout_s=2)
            assert raised.value.error_code == EnumCoreErrorCode.SERVICE_UNAVAILABLE
        with pytest.raises(ModelOnexError) as refused:
            await api.call("GET", "/stock", timeout_s=2)
        assert "circuit is open after 2 consecutive failures" in refused.value.message
        assert len(http_env.calls("GET /stock")) == 2  # the third never left
        assert error_context(refused.value)["retryable"] is True
    finally:
        await api.stop()


async def test_a_cancelled_trial_call_releases_the_half_open_slot(
    http_env: HttpStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_CIRCUIT_FAILURES", "1")
    monkeypatch.setenv("HTTP_CIRCUIT_RESET_S", "0.05")
    http_env.script("GET /slow", Answer(503), Answer(delay_s=0.3), Answer(delay_s=0.3), Answer(delay_s=0.3))
    api = HttpApi("n", breaker=True)
    await api.start()
    try:
        with pytest.raises(ModelOnexError):
            await api.call("GET", "/slow", timeout_s=2)
        for _ in range(3):  # three trial calls cancelled by their callers
            await asyncio.sleep(0.06)
            trial = asyncio.create_task(api.call("GET", "/slow", timeout_s=5))
            await asyncio.sleep(0.05)
            trial.cancel()
            with pytest.raises(asyncio.CancelledError):
                await trial
        await asyncio.sleep(0.06)
        response = await api.call("GET", "/slow", timeout_s=5)  # the slot is free
        assert response.status_code == 200
        assert api.circuit is not None and api.circuit.state is BreakerState.CLOSED
    finally:
        await api.stop()

"""A circuit breaker counting consecutive failures.

Closed: calls go through; ``failures`` failures in a row open it (a success
in between starts the count again, so 5 errors spread over 200 calls never open
it). Open: calls are refused at once, without touching the dependency, for
``reset_s`` seconds. Half-open: one trial call goes through; its success closes the
circuit, its failure opens it again for ``reset_s``, and a trial that ends
without an outcome (cancelled, or an error that says nothing about the
dependency) frees its slot for the next caller.

Every admitted call must be settled, in ``finally``: ``settle(ticket, outcome)``.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

__all__ = ["BreakerState", "CircuitBreaker", "Ticket"]


class BreakerState(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True)
class Ticket:
    """One admitted call; ``trial`` when it is the half-open circuit's trial."""

    trial: bool


class CircuitBreaker:
    """Opens after ``failures`` consecutive failures, for ``reset_s`` seconds."""

    def __init__(
        self,
        failures: int,
        reset_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failures < 1:
            raise ValueError(f"failures must be at least 1, got {failures}")
        if reset_s <= 0:
            raise ValueError(f"reset_s must be above 0, got {reset_s}")
        self.failures = failures
        self.reset_s = reset_s
        self._clock = clock
        self._consecutive = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at < self.reset_s:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    @property
    def consecutive_failures(self) -> int:
        return self._consecutive

    @property
    def retry_in_s(self) -> float:
        """Seconds until an open circuit lets a trial through (0 when not open)."""
        if self._opened_at is None:
            return 0.0
        return max(0.0, self.reset_s - (self._clock() - self._opened_at))

    def admit(self) -> Ticket | None:
        """A ticket for one call, or None when the call must be refused (open, or
        half-open with its trial running)."""
        state = self.state
        if state is BreakerState.CLOSED:
            return Ticket(trial=False)
        if state is BreakerState.OPEN or self._trial_running:
            return None
        self._trial_running = True
        return Ticket(trial=True)

    def settle(self, ticket: Ticket, outcome: bool | None) -> None:
        """Record the call's outcome: True the dependency answered, False it failed,
        None nothing learnt (cancelled, or a failure of our own)."""
        if ticket.trial:
            self._trial_running = False
        if outcome is None:
            return
        if outcome:
            self._consecutive = 0
            self._opened_at = None
            return
        self._consecutive += 1
        if ticket.trial or self._consecutive >= self.failures:
            self._opened_at = self._clock()

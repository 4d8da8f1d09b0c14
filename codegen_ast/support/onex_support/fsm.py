"""A reducer's state machine: the one the contract declares, run by the framework's
own pure executor (util_fsm_executor.execute_transition), one state per entity.

Each entity (a basket, an order: the value of the request field the reducer
declares as its key) has its own state, kept in a ``StateStore``: in memory
(``MemoryStateStore``: per process, lost on restart) or in PostgreSQL
(``PostgresStateStore``: persisted, read back after a restart, shared by every
replica). Transitions of one entity are serialised by a lock per key in the
process, and across processes by the store's compare-and-set on a version.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from uuid import UUID

import yaml  # type: ignore[import-untyped, unused-ignore]
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.contracts.subcontracts.model_fsm_subcontract import (
    ModelFSMSubcontract,
)
from omnibase_core.types.type_fsm_context import FSMContextType
from omnibase_core.utils.util_fsm_executor import execute_transition

from onex_support.errors import error_context, onex_error
from onex_support.events import EventPublisher
from onex_support.postgres import PostgresPool
from onex_support.resources import NodeResources, Resource
from onex_support.values import Maybe

__all__ = [
    "MemoryStateStore",
    "PostgresStateStore",
    "ReducerResources",
    "StateMachine",
    "StateStore",
    "StoredState",
    "Transition",
]


@dataclass(frozen=True)
class StoredState:
    """An entity's state and how many transitions led to it."""

    state: str
    version: int


class StateStore(Protocol):
    """Where the state of each entity of a machine lives."""

    async def load(self, machine: str, key: str) -> StoredState | None:
        """The entity's state, or None when it never made a transition."""
        ...

    async def save(self, machine: str, key: str, state: str, version: int) -> bool:
        """Store ``state`` as ``version`` if the stored version is ``version - 1``
        (absent counts as 0); False when another writer got there first."""
        ...


class MemoryStateStore:
    """States in this process's memory: lost when it ends."""

    def __init__(self) -> None:
        self._states: dict[tuple[str, str], StoredState] = {}

    async def load(self, machine: str, key: str) -> StoredState | None:
        return self._states.get((machine, key))

    async def save(self, machine: str, key: str, state: str, version: int) -> bool:
        current = self._states.get((machine, key))
        if (0 if current is None else current.version) != version - 1:
            return False
        self._states[(machine, key)] = StoredState(state, version)
        return True


class PostgresStateStore:
    """States in the table ``onex_fsm_state`` (created when missing), one row per
    machine and entity key."""

    DDL = (
        "CREATE TABLE IF NOT EXISTS onex_fsm_state ("
        " machine text NOT NULL,"
        " entity_key text NOT NULL,"
        " state text NOT NULL,"
        " version bigint NOT NULL,"
        " updated_at timestamptz NOT NULL DEFAULT now(),"
        " PRIMARY KEY (machine, entity_key))"
    )

    def __init__(self, postgres: PostgresPool) -> None:
        self.postgres = postgres
        self._ready = False

    async def _ensure_table(self) -> None:
        if self._ready:
            return
        try:
            await self.postgres.execute(self.DDL)
        except ModelOnexError as error:
            # another process created it at the same moment
            if error_context(error).get("sqlstate") not in ("23505", "42P07"):
                raise
        self._ready = True

    async def load(self, machine: str, key: str) -> StoredState | None:
        await self._ensure_table()
        row = await self.postgres.fetchrow(
            "SELECT state, version FROM onex_fsm_state"
            " WHERE machine = $1 AND entity_key = $2",
            machine,
            key,
        )
        return None if row is None else StoredState(row["state"], row["version"])

    async def save(self, machine: str, key: str, state: str, version: int) -> bool:
        await self._ensure_table()
        if version == 1:
            status = await self.postgres.execute(
                "INSERT INTO onex_fsm_state (machine, entity_key, state, version)"
                " VALUES ($1, $2, $3, 1) ON CONFLICT DO NOTHING",
                machine,
                key,
                state,
            )
        else:
            status = await self.postgres.execute(
                "UPDATE onex_fsm_state SET state = $3, version = $4, updated_at = now()"
                " WHERE machine = $1 AND entity_key = $2 AND version = $4 - 1",
                machine,
                key,
                state,
                version,
            )
        return status.endswith(" 1")


@dataclass(frozen=True)
class Transition:
    """A transition taken by one entity: its key, the trigger, the states before
    and after, and the version the new state is stored as."""

    key: str
    trigger: str
    from_state: str
    to_state: str
    name: str
    version: int


class StateMachine:
    """The ``state_machine`` of ``contract``, one state per entity key in ``store``
    (default: in memory). ``transition`` refuses a trigger the entity's state does
    not declare with INVALID_STATE; ``commit`` stores the new state."""

    def __init__(self, contract: Path, store: StateStore | None = None) -> None:
        try:
            data = yaml.safe_load(contract.read_text(encoding="utf-8"))
            self.definition = ModelFSMSubcontract.model_validate(data["state_machine"])
        except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError) as error:
            raise onex_error(
                f"the node contract {contract} declares no usable state_machine: "
                f"{type(error).__name__}",
                EnumCoreErrorCode.CONFIGURATION_ERROR,
            ) from error
        self.name = self.definition.state_machine_name
        self.store: StateStore = MemoryStateStore() if store is None else store
        self._allowed = {(t.from_state, t.trigger) for t in self.definition.transitions}
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def locked(self, key: str) -> AsyncIterator[None]:
        """Hold the entity's lock (one per key, forgotten when nobody holds or
        waits for it)."""
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def state_of(self, key: str) -> StoredState:
        """The entity's stored state, or the initial state at version 0."""
        stored = await self.store.load(self.name, key)
        return (
            StoredState(self.definition.initial_state, 0) if stored is None else stored
        )

    async def transition(
        self,
        key: str,
        trigger: str,
        context: FSMContextType,
        correlation_id: UUID,
    ) -> Transition:
        """The transition ``trigger`` takes the entity through (not stored yet:
        hold ``locked(key)`` from here to ``commit``)."""
        current = await self.state_of(key)
        if (current.state, trigger) not in self._allowed:
            raise onex_error(
                f"operation {trigger!r} is not allowed in state {current.state!r}",
                EnumCoreErrorCode.INVALID_STATE,
                correlation_id,
                state=current.state,
            )
        fired = await execute_transition(
            self.definition, current.state, trigger, context
        )
        if not fired.success:
            raise onex_error(
                f"operation {trigger!r} is not allowed in state {current.state!r}: "
                "a condition of the transition does not hold",
                EnumCoreErrorCode.INVALID_STATE,
                correlation_id,
                state=current.state,
            )
        return Transition(
            key,
            trigger,
            current.state,
            fired.new_state,
            fired.transition_name or trigger,
            current.version + 1,
        )

    async def commit(self, transition: Transition, correlation_id: UUID) -> None:
        """Store the transition's new state; INVALID_STATE (retryable) when another
        process moved the entity meanwhile."""
        saved = await self.store.save(
            self.name, transition.key, transition.to_state, transition.version
        )
        if not saved:
            raise onex_error(
                f"operation {transition.trigger!r}: the entity's state changed "
                "meanwhile; try again",
                EnumCoreErrorCode.INVALID_STATE,
                correlation_id,
                retryable=True,
                state=transition.from_state,
            )


class ReducerResources(NodeResources):
    """The resources of a reducer: at least its state machine (and the resource
    its store uses, such as a PostgresPool, among ``resources``)."""

    def __init__(
        self,
        node: str,
        state_machine: StateMachine,
        *resources: Resource,
        publisher: Maybe[EventPublisher] = None,
    ) -> None:
        self.state_machine = state_machine
        super().__init__(node, *resources, publisher=publisher)

"""The reducer's state machine (on the cart reducer of tests/support/packages):
one state per entity key, persisted in PostgreSQL and read back by a new process,
the answer consistent with the state, the event published outside the entity's
lock with a timeout."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import pytest
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError

from node_cart_reducer.handlers import (
    CART_TRANSITIONED,
    CONTRACT,
    REGISTRY,
    CartResources,
    CartTransition,
    HandlerAddItem,
    HandlerCheckout,
    ModelCartInput,
    ModelCartOutput,
)
from onex_support.errors import error_context, is_retryable
from onex_support.fsm import MemoryStateStore, PostgresStateStore, ReducerResources, StateMachine, Transition
from onex_support.handlers import TransitionHandler
from onex_support.postgres import PostgresPool
from onex_support.resources import Registry
from tests.support.helpers import SECRET, Database, assert_no_secret, published


@pytest.fixture
async def handlers(postgres_env: Database, bus: Any) -> AsyncIterator[tuple[HandlerAddItem, HandlerCheckout]]:
    admin = await postgres_env.admin()
    await admin.execute("DROP TABLE IF EXISTS onex_fsm_state")
    await admin.close()
    REGISTRY.reset()
    add, checkout = HandlerAddItem(event_bus=bus), HandlerCheckout(event_bus=bus)
    yield add, checkout
    await add.shutdown()
    await checkout.shutdown()
    REGISTRY.reset()


def cart(operation: str, cart_id: str | None) -> ModelCartInput:
    return ModelCartInput(operation=operation, cart_id=cart_id)  # type: ignore[arg-type]


async def test_each_cart_has_its_own_state(handlers: tuple[HandlerAddItem, HandlerCheckout]) -> None:
    add, checkout = handlers
    await add.handle(cart("add_item", "c-1"))
    done = await checkout.handle(cart("checkout", "c-1"))
    assert done is not None and done.state == "checked_out" and done.previous_state == "active"
    # a checkout of one cart leaves every other cart where it was
    started = await add.handle(cart("add_item", "c-2"))
    assert started is not None and started.previous_state == "empty" and started.state == "active"
    with pytest.raises(ModelOnexError) as raised:
        await add.handle(cart("add_item", "c-1"))
    assert raised.value.error_code == EnumCoreErrorCode.INVALID_STATE
    assert error_context(raised.value)["state"] == "checked_out"


async def test_the_state_is_persisted_and_read_back_by_a_new_process(
    handlers: tuple[HandlerAddItem, HandlerCheckout], postgres_env: Database
) -> None:
    add, _ = handlers
    await add.handle(cart("add_item", "c-7"))
    await add.handle(cart("add_item", "c-7"))
    # a new process: its own pool, store and machine, nothing in memory
    pool = PostgresPool()
    await pool.start()
    try:
        machine = StateMachine(CONTRACT, PostgresStateStore(pool))
        stored = await machine.state_of("c-7")
        assert (stored.state, stored.version) == ("active", 2)
        assert (await machine.state_of("c-unknown")).state == "empty"
        transition = await machine.transition("c-7", "checkout", {}, uuid4())
        await machine.commit(transition, uuid4())
    finally:
        await pool.stop()
    with pytest.raises(ModelOnexError) as raised:  # the first process sees it too
        await add.handle(cart("add_item", "c-7"))
    assert error_context(raised.value)["state"] == "checked_out"


async def test_a_concurrent_writer_is_detected_and_retryable(postgres_env: Database) -> None:
    pool = PostgresPool()
    await pool.start()
    try:
        one = StateMachine(CONTRACT, PostgresStateStore(pool))
        other = StateMachine(CONTRACT, PostgresStateStore(pool))
        first = await one.transition("c-9", "add_item", {}, uuid4())
        second = await other.transition("c-9", "add_item", {}, uuid4())
        await one.commit(first, uuid4())
        with pytest.raises(ModelOnexError) as raised:
            await other.commit(second, uuid4())
    finally:
        await pool.stop()
    assert raised.value.error_code == EnumCoreErrorCode.INVALID_STATE and is_retryable(raised.value)


async def test_the_transition_event_carries_the_entity_and_its_version(
    handlers: tuple[HandlerAddItem, HandlerCheckout], bus: Any
) -> None:
    add, _ = handlers
    answer = await add.handle(cart("add_item", "c-3"))
    [event] = await published(bus, CART_TRANSITIONED.topic)
    assert event["payload"] == {
        "entity_key": "c-3",
        "trigger": "add_item",
        "from_state": "empty",
        "to_state": "active",
        "version": 1,
    }
    assert answer is not None and event["correlation_id"] == str(answer.correlation_id)


async def test_a_request_without_its_entity_key_is_refused(
    handlers: tuple[HandlerAddItem, HandlerCheckout], logs: pytest.LogCaptureFixture
) -> None:
    add, checkout = handlers
    with pytest.raises(ModelOnexError) as raised:
        await add.handle(cart("add_item", None))
    assert raised.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    with pytest.raises(ModelOnexError):
        await checkout.handle(cart("checkout", SECRET))  # INVALID_STATE: never logs the key
    assert_no_secret(logs)


async def test_an_answer_that_contradicts_the_state_is_refused_and_nothing_is_stored(
    postgres_env: Database,
) -> None:
    class Liar(CartTransition):
        operation = "add_item"

        async def reduce(self, request: ModelCartInput, transition: Transition) -> ModelCartOutput:
            answer = await super().reduce(request, transition)
            return answer.model_copy(update={"state": ""})

    REGISTRY.reset()
    liar = Liar()
    try:
        with pytest.raises(ModelOnexError) as raised:
            await liar.handle(cart("add_item", "c-5"))
        assert raised.value.error_code == EnumCoreErrorCode.CONTRACT_VIOLATION
        assert (await REGISTRY.resources().state_machine.state_of("c-5")).version == 0
    finally:
        await liar.shutdown()
        REGISTRY.reset()


class HungBus:
    """A bus whose first publish never returns; the later ones do at once."""

    def __init__(self) -> None:
        self.publishes = 0

    async def publish(self, topic: str, key: bytes | None, value: bytes, headers: object = None) -> None:
        self.publishes += 1
        if self.publishes == 1:
            await asyncio.Event().wait()


async def test_a_hung_bus_neither_holds_the_lock_nor_the_operation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENT_PUBLISH_TIMEOUT_S", "0.5")

    class MemoryResources(ReducerResources):
        def __init__(self) -> None:
            super().__init__("cart", StateMachine(CONTRACT, MemoryStateStore()))

    registry: Registry[MemoryResources] = Registry(MemoryResources)

    class Add(CartTransition):
        operation = "add_item"

    Add.registry = registry  # type: ignore[assignment]
    add = Add(event_bus=HungBus())  # type: ignore[arg-type]
    started = time.monotonic()
    first = asyncio.create_task(add.handle(cart("add_item", "c-1")))
    await asyncio.sleep(0.05)  # the first is publishing now, its state stored
    second = await add.handle(cart("add_item", "c-1"))  # not held by the first's publish
    assert second is not None and second.previous_state == "active"
    assert not first.done()  # the first still waits on its publish, outside the lock
    assert (await first) is not None
    assert time.monotonic() - started < 1.5  # bounded by EVENT_PUBLISH_TIMEOUT_S
    resources = registry.resources()
    assert resources.metric("events_failed") == 1 and resources.metric("events_published") == 1
    await add.shutdown()


def test_a_transition_handler_declares_its_event_and_entity_key() -> None:
    class Keyless(TransitionHandler[ModelCartInput, ModelCartOutput, CartResources]):
        registry = REGISTRY
        transition_event = CART_TRANSITIONED
        reduce = CartTransition.reduce

    with pytest.raises(ValueError, match="entity_key"):

        class HandlerClear(Keyless):
            operation = "clear"

    class NodeWide(Keyless):
        operation = "clear"
        entity_key = None  # one state for the node, declared as such

    assert NodeWide().key_of(cart("add_item", "ignored")) == "node"


@pytest.mark.parametrize(
    ("expression", "context", "holds"),
    [
        ("plan_id exists true", {"plan_id": "p-1"}, True),
        ("plan_id exists true", {"plan_id": None}, False),
        ("plan_id not_exists true", {}, True),
        ("amount greater_than 10", {"amount": 10.5}, True),
        ("amount greater_than 10", {"amount": 10}, False),
        ("amount <= 10", {"amount": "10"}, True),
        ("amount less_than 10", {"amount": "ten"}, False),
        ("items min_length 2", {"items": [1, 2]}, True),
        ("items max_length 1", {"items": [1, 2]}, False),
        ("items min_length 1", {"items": 5}, False),
        ("tier in gold,silver", {"tier": "silver"}, True),
        ("tier not_in gold,silver", {"tier": "silver"}, False),
        ("status == ready", {"status": "ready"}, True),
        ("status not_equals ready", {"status": "ready"}, False),
        ("user.email contains @", {"user": {"email": "a@b"}}, True),
        ("code matches ^A[0-9]+$", {"code": "A12"}, True),
        ("code matches ^A[0-9]+$", {"code": "B12"}, False),
        ("_secret == x", {"_secret": "x"}, False),  # the framework's parser refuses private fields: never holds
        ("amount is more", {"amount": 1}, False),
    ],
)
def test_a_condition_holds_as_the_frameworks_condition_model_documents(
    expression: str, context: dict[str, Any], holds: bool
) -> None:
    from onex_support.fsm import condition_holds

    assert condition_holds(expression, context) is holds


MACHINE = """\
state_machine:
  state_machine_name: door
  description: A door.
  initial_state: shut
  states:
    - {state_name: shut, description: shut, state_type: operational, version: {major: 1, minor: 0, patch: 0}}
    - {state_name: open, description: open, state_type: operational, version: {major: 1, minor: 0, patch: 0}}
    - {state_name: gone, description: gone, state_type: operational, version: {major: 1, minor: 0, patch: 0}, is_terminal: true,
       is_recoverable: false}
  terminal_states: [gone]
  transitions:
    - {transition_name: low, from_state: shut, to_state: open, trigger: push, priority: 1,
       version: {major: 1, minor: 0, patch: 0},
       conditions: [{condition_name: light, condition_type: expression, expression: force greater_than 1}],
       actions: [{action_name: creak, action_type: intent_emission}]}
    - {transition_name: high, from_state: shut, to_state: gone, trigger: push, priority: 5,
       version: {major: 1, minor: 0, patch: 0},
       conditions: [{condition_name: hard, condition_type: expression, expression: force greater_than 100}]}
  version: {major: 1, minor: 0, patch: 0}
  state_machine_version: {major: 1, minor: 0, patch: 0}
"""


async def test_conditions_choose_the_transition_by_priority_and_no_trigger_leaves_a_terminal_state(
    tmp_path: Any,
) -> None:
    contract = tmp_path / "contract.yaml"
    contract.write_text(MACHINE, encoding="utf-8")
    machine = StateMachine(contract)
    weak, strong = uuid4(), uuid4()
    with pytest.raises(ModelOnexError) as raised:
        await machine.transition("d-1", "push", {"force": 1}, weak)
    assert raised.value.error_code == EnumCoreErrorCode.INVALID_STATE
    assert error_context(raised.value)["conditions"] == ["hard", "light"]
    opened = await machine.transition("d-1", "push", {"force": 50}, weak)
    assert (opened.from_state, opened.to_state, opened.name) == ("shut", "open", "low")
    actions = [i.payload.action_name for i in opened.intents if i.intent_type == "fsm_transition_action"]
    assert actions == ["creak"]  # the transition's declared action, as the framework's intent
    gone = await machine.transition("d-1", "push", {"force": 500}, strong)
    assert gone.to_state == "gone"  # the higher priority wins when its condition holds
    await machine.commit(gone, strong)
    with pytest.raises(ModelOnexError) as raised:
        await machine.transition("d-1", "push", {"force": 50}, strong)
    assert raised.value.error_code == EnumCoreErrorCode.INVALID_STATE
    assert "terminal" in raised.value.message and error_context(raised.value)["state"] == "gone"


async def test_a_handler_with_no_transition_event_publishes_nothing_and_fires_its_own_trigger(
    handlers: tuple[HandlerAddItem, HandlerCheckout], bus: Any
) -> None:
    class HandlerAddQuietly(TransitionHandler[ModelCartInput, ModelCartOutput, CartResources]):
        operation = "cart.add_quietly"
        trigger = "add_item"
        registry = REGISTRY
        transition_event = None
        entity_key = "cart_id"
        reduce = CartTransition.reduce

    handler = HandlerAddQuietly(event_bus=bus)
    before = await published(bus, CART_TRANSITIONED.topic)
    # a request routed as the handler's own operation, which fires the add_item trigger
    request = ModelCartInput.model_construct(operation="cart.add_quietly", cart_id="c-q", correlation_id=uuid4())
    answer = await handler.handle(request)
    assert answer is not None and (answer.previous_state, answer.state) == ("empty", "active")
    assert await published(bus, CART_TRANSITIONED.topic) == before
    await handler.shutdown()

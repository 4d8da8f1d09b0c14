"""The generated state-machine reducer (examples/basket_fsm_reducer.yaml) against
a reference model, over random event sequences."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.event_bus.event_bus_inmemory import EventBusInmemory
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.contracts import ModelContractReducer
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope

from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
from codegen_ast.spec import NodeSpec
from tests.imports import imported

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "basket_fsm_reducer.yaml"
SPEC: NodeSpec = read_node_spec(EXAMPLE)
assert SPEC.state_machine is not None
REFERENCE = {(t.source, t.trigger): t.target for t in SPEC.state_machine.transitions}
TRIGGERS = SPEC.state_machine.triggers


@pytest.fixture(scope="module")
def cart(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    package = generate(SPEC).write(tmp_path_factory.mktemp("fsm"))
    with imported(package) as module:
        yield module


async def _transition_events(bus: EventBusInmemory, topic: str) -> list[tuple[object, ...]]:
    """(event type, trigger, from_state, to_state, correlation id) of every envelope on ``topic``."""
    seen = []
    for message in await bus.get_event_history(limit=1000, topic=topic):
        envelope = ModelEventEnvelope[dict[str, object]].model_validate_json(message.value)
        payload = envelope.payload
        seen.append(
            (envelope.event_type, payload["trigger"], payload["from_state"], payload["to_state"], envelope.correlation_id)
        )
    return seen


async def _replay(cart: ModuleType, events: list[str]) -> None:
    # omnibase-core's own in-memory event bus receives the per-transition events
    bus = EventBusInmemory()
    await bus.start()
    node = cart.NodeBasketReducer(ModelONEXContainer())
    node.bind_event_bus(bus)
    published: list[tuple[object, ...]] = []
    state = SPEC.state_machine.initial_state  # type: ignore[union-attr]
    for index, event in enumerate(events):
        request = cart.ModelBasketInput(operation=event, sku=f"sku-{index}")
        expected = REFERENCE.get((state, event))
        if expected is None:
            with pytest.raises(ModelOnexError) as caught:
                await node.process(request)
            assert caught.value.error_code == EnumCoreErrorCode.INVALID_STATE
            assert caught.value.correlation_id == request.correlation_id
        else:
            output = await node.process(request)
            assert (output.state, output.fsm_metadata.fsm_previous_state) == (expected, state)
            assert output.sku == f"sku-{index}"
            # persist: true -> the framework's persist_state intent carries the new state
            persisted = [i for i in output.intents if i.intent_type == "persist_state"]
            assert persisted and persisted[0].payload.state_data["state"] == expected
            assert node.get_reduced_state() == output
            published.append(("basket.transition", event, state, expected, request.correlation_id))
            state = expected
        assert node.get_current_fsm_state() == state
    metrics = node.get_operation_metrics()
    assert metrics["operations"] == len(events)
    assert metrics["successes"] + metrics["failures"] == len(events)
    # one event per successful transition, in order, none for a refused one
    assert await _transition_events(bus, cart.node.EVENTS_TOPIC) == published
    assert metrics["events_published"] == len(published)
    await bus.close()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(TRIGGERS), max_size=12))
def test_random_event_sequences_match_the_reference_model(cart: ModuleType, events: list[str]) -> None:
    asyncio.run(_replay(cart, events))


def test_every_declared_transition_works(cart: ModuleType) -> None:
    # a path that fires every transition at least once
    asyncio.run(_replay(cart, ["add_item", "add_item", "clear", "add_item", "checkout"]))


def test_contract_declares_the_machine_for_the_framework(cart: ModuleType) -> None:
    contract = (Path(cart.__file__).parent / "contract.yaml").read_text()
    assert "persistence_enabled: true" in contract
    assert contract.count("trigger:") == len(SPEC.state_machine.transitions)  # type: ignore[union-attr]
    # the transition event is declared among the events the node publishes
    loaded = ModelContractReducer.from_yaml(contract)
    assert [(e.event_type, e.topic) for e in loaded.yaml_published_events] == [
        ("basket.transition", "onex.events.basket.v1")
    ]


class SlowFirstBusStandIn:
    """Stand-in for an event bus (the interface the node uses: publish_async) whose
    first delivery is slow, as a broker's can be; records the envelopes in the
    order they were delivered."""

    def __init__(self) -> None:
        self.calls = 0
        self.delivered: list[dict[str, object]] = []

    async def publish_async(self, envelope: ModelEventEnvelope[dict[str, object]]) -> None:
        self.calls += 1
        if self.calls == 1:
            await asyncio.sleep(0.2)
        self.delivered.append(envelope.payload)


async def test_transition_events_of_concurrent_operations_are_published_in_order(cart: ModuleType) -> None:
    node = cart.NodeBasketReducer(ModelONEXContainer())
    bus = SlowFirstBusStandIn()
    node.bind_event_bus(bus)
    first = asyncio.create_task(node.process(cart.ModelBasketInput(operation="add_item", sku="a")))
    await asyncio.sleep(0)  # the first operation takes the state first
    second = asyncio.create_task(node.process(cart.ModelBasketInput(operation="checkout")))
    await asyncio.gather(first, second)
    # a consumer replaying the events must see the transitions in the order they happened
    assert [(e["from_state"], e["to_state"]) for e in bus.delivered] == [("empty", "active"), ("active", "checked_out")]

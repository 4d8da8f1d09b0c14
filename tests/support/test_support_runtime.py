"""onex_support on the framework's own runtime: a reducer package in the
declarative shape run by RuntimeLocal, one run (one event loop) per command; the
cart's state outlives each run in PostgreSQL, and its transition event comes out
on the runtime's bus."""

from __future__ import annotations

import asyncio
import gc
import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from omnibase_core.runtime.runtime_local import RuntimeLocal

from tests.support.helpers import PACKAGES, Database

CONTRACT = PACKAGES / "node_cart_reducer" / "contract.yaml"


class ObservedRuntimeLocal(RuntimeLocal):
    """RuntimeLocal as is, keeping the bus it makes to read its history after the run."""

    bus: Any = None

    def _create_event_bus(self) -> Any:
        self.bus = super()._create_event_bus()
        return self.bus


def run(tmp_path: Path, request: dict[str, object]) -> tuple[str, dict[str, Any], list[tuple[str, Any]]]:
    request_file = tmp_path / "request.json"
    request_file.write_text(json.dumps(request))
    runtime = ObservedRuntimeLocal(CONTRACT, state_root=tmp_path, input_path=request_file, timeout=20)
    outcome = runtime.run()
    result = json.loads((tmp_path / "workflow_result.json").read_text())
    result["last_error"] = runtime.last_error
    history = asyncio.run(runtime.bus.get_event_history())
    return outcome.value, result, [(message.topic, json.loads(message.value)) for message in history]


@pytest.fixture
def cart_package(postgres_env: Database) -> None:
    async def drop() -> None:
        admin = await postgres_env.admin()
        await admin.execute("DROP TABLE IF EXISTS onex_fsm_state")
        await admin.close()

    asyncio.run(drop())


def test_the_state_of_each_cart_outlives_each_runtime_run(
    cart_package: None, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always", ResourceWarning)
        outcome, result, events = run(tmp_path, {"operation": "add_item", "cart_id": "c-1"})
        assert outcome == "completed", result
        assert ("onex.evt.cart.cart-transitioned.v1", "cart.transition") in [
            (topic, envelope.get("event_type")) for topic, envelope in events
        ]
        outcome, result, _ = run(tmp_path, {"operation": "add_item", "cart_id": "c-2"})
        assert outcome == "completed"
        # a new run, a new loop, new resources: the state comes back from PostgreSQL
        outcome, result, events = run(tmp_path, {"operation": "checkout", "cart_id": "c-1"})
        gc.collect()
    # no runtime path calls shutdown: the resources' keeper closed each run's pool
    assert [w for w in warned if issubclass(w.category, ResourceWarning)] == []
    assert outcome == "completed", result
    transition = next(envelope["payload"] for topic, envelope in events if topic.endswith("cart-transitioned.v1"))
    assert transition == {
        "entity_key": "c-1",
        "trigger": "checkout",
        "from_state": "active",
        "to_state": "checked_out",
        "version": 2,
    }
    outcome, result, _ = run(tmp_path, {"operation": "checkout", "cart_id": "c-2"})
    assert outcome == "completed"  # the other cart was still active
    caplog.clear()
    outcome, result, _ = run(tmp_path, {"operation": "checkout", "cart_id": "c-1"})
    assert outcome == "failed" and result["last_error"] == "handler 'HandlerCheckout' failed"
    assert "[ONEX_CORE_086_INVALID_STATE] operation 'checkout' is not allowed in state 'checked_out'" in caplog.text

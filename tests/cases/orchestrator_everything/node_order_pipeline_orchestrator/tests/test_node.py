"""Tests of NodeOrderPipelineOrchestrator, generated with the node by codegen-ast."""

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, cast
from uuid import uuid4

import pytest
from omnibase_core.constants.constants_topic_taxonomy import (
    TOPIC_DISCOVERY_COMMANDS,
    TOPIC_DISCOVERY_EVENTS,
)
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.enums.enum_health_status_value import EnumHealthStatusValue
from omnibase_core.errors import ModelOnexError
from omnibase_core.event_bus.event_bus_inmemory import EventBusInmemory
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.contracts import ModelContractOrchestrator
from omnibase_core.models.core.model_onex_event import ModelOnexEvent
from omnibase_core.models.envelope.model_emitter_identity import ModelEmitterIdentity
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.models.orchestrator.model_orchestrator_input import (
    ModelOrchestratorInput,
)
from omnibase_core.models.orchestrator.model_orchestrator_input_metadata import (
    ModelOrchestratorInputMetadata,
)
from omnibase_core.protocols.event_bus import ProtocolEventBus
from omnibase_core.protocols.event_bus.protocol_event_message import (
    ProtocolEventMessage,
)
from omnibase_core.utils.util_safe_yaml_loader import load_and_validate_yaml_model

from ..models.model_order_pipeline_input import ModelOrderPipelineInput
from ..models.model_order_pipeline_output import ModelOrderPipelineOutput
from ..node import (
    DISCOVERY_CAPABILITIES,
    NodeOrderPipelineOrchestrator,
    SUPPORTED_OPERATIONS,
)

CONTRACT_PATH = Path(__file__).resolve().parent.parent / "contract.yaml"


@pytest.fixture
def node() -> NodeOrderPipelineOrchestrator:
    return NodeOrderPipelineOrchestrator(ModelONEXContainer())


def sample_request(operation: Literal["submit", "cancel"]) -> ModelOrderPipelineInput:
    """A request for ``operation`` with a sample value in every input field."""
    return ModelOrderPipelineInput(operation=operation, item_id="sample", quantity=1)


async def ask_discovery(
    bus: ProtocolEventBus,
    capabilities: Sequence[str],
    node_types: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Ask every node on ``bus`` for ``capabilities`` (and ``node_types``, when given): a
    NODE_DISCOVERY_REQUEST on the discovery command topic. Returns the metadata of the
    responses; the framework's in-memory bus delivers them before its publish() returns.
    """
    answers: list[dict[str, Any]] = []

    async def collect(message: ProtocolEventMessage) -> None:
        answers.append(json.loads(message.value.decode("utf-8"))["payload"]["data"])

    asker = ModelEmitterIdentity(
        env="local", service="discovery-client", node_name="asker", version="v1"
    )
    unsubscribe = await bus.subscribe(TOPIC_DISCOVERY_EVENTS, asker, collect)
    try:
        request = ModelEventEnvelope(
            payload=ModelOnexEvent(event_type="NODE_DISCOVERY_REQUEST", node_id=uuid4())
        ).model_dump(mode="json")
        # the request's metadata goes where the responder reads it: payload.data, as sent
        request["payload"]["data"] = {
            "request_id": str(uuid4()),
            "requested_capabilities": list(capabilities),
            "node_types": None if node_types is None else list(node_types),
        }
        await bus.publish(
            TOPIC_DISCOVERY_COMMANDS, None, json.dumps(request).encode("utf-8")
        )
    finally:
        await unsubscribe()
    return answers


@pytest.mark.asyncio
async def test_submit_returns_typed_output(node: NodeOrderPipelineOrchestrator) -> None:
    request = sample_request("submit")
    output = await node.process(request)
    assert isinstance(output, ModelOrderPipelineOutput)
    assert output.correlation_id == request.correlation_id
    assert output.execution_status == "completed"


@pytest.mark.asyncio
async def test_cancel_returns_typed_output(node: NodeOrderPipelineOrchestrator) -> None:
    request = sample_request("cancel")
    output = await node.process(request)
    assert isinstance(output, ModelOrderPipelineOutput)
    assert output.correlation_id == request.correlation_id
    assert output.execution_status == "completed"


@pytest.mark.asyncio
async def test_invalid_input_raises_validation_error(
    node: NodeOrderPipelineOrchestrator,
) -> None:
    request = ModelOrchestratorInput(
        workflow_id=uuid4(),
        steps=[],
        metadata=ModelOrchestratorInputMetadata(trigger="no_such_operation"),
    )
    with pytest.raises(ModelOnexError) as caught:
        await node.process(request)
    assert caught.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR


@pytest.mark.asyncio
async def test_health_checks_report_status(node: NodeOrderPipelineOrchestrator) -> None:
    statuses: list[ModelHealthStatus] = []
    for check in node.get_health_checks():
        outcome = check()
        statuses.append(
            outcome if isinstance(outcome, ModelHealthStatus) else await outcome
        )
    # before initialize() the node is healthy and its clients are not started yet
    assert [status.status for status in statuses] == [
        EnumHealthStatusValue.HEALTHY,
        EnumHealthStatusValue.DEGRADED,
        EnumHealthStatusValue.DEGRADED,
        EnumHealthStatusValue.DEGRADED,
        EnumHealthStatusValue.DEGRADED,
        EnumHealthStatusValue.DEGRADED,
    ]


@pytest.mark.asyncio
async def test_metrics_count_operations(node: NodeOrderPipelineOrchestrator) -> None:
    await node.process(sample_request("submit"))
    metrics = node.get_operation_metrics()
    assert metrics["operations"] == 1
    assert metrics["successes"] == 1
    assert metrics["failures"] == 0
    assert metrics["duration_ms_total"] > 0.0


class RecordingEventBus:
    """In-process stand-in for an event bus: records the envelopes it is given."""

    def __init__(self) -> None:
        self.envelopes: list[ModelEventEnvelope[ModelOnexEvent]] = []

    async def publish_async(self, envelope: ModelEventEnvelope[ModelOnexEvent]) -> None:
        self.envelopes.append(envelope)


@pytest.mark.asyncio
async def test_publish_event_delivers_without_error(
    node: NodeOrderPipelineOrchestrator,
) -> None:
    bus = RecordingEventBus()
    node.bind_event_bus(cast(ProtocolEventBus, bus))
    correlation_id = uuid4()
    await node.publish_event("order_pipeline.test_event", correlation_id=correlation_id)
    assert len(bus.envelopes) == 1
    assert bus.envelopes[0].payload.correlation_id == correlation_id


@pytest.mark.asyncio
async def test_discovery_requests_are_answered_on_the_event_bus(
    node: NodeOrderPipelineOrchestrator,
) -> None:
    memory = EventBusInmemory()
    await memory.start()
    # the framework's in-memory bus implements ProtocolEventBus, though not to the letter of its types
    bus = cast(ProtocolEventBus, memory)
    node.bind_event_bus(bus)
    await node._start_discovery()
    try:
        # a request for a capability the node lacks is filtered out
        assert await ask_discovery(bus, ["no.such.capability"]) == []
        answers = await ask_discovery(bus, list(DISCOVERY_CAPABILITIES))
        assert [answer["node_id"] for answer in answers] == [str(node.node_id)]
        assert answers[0]["capabilities"] == list(DISCOVERY_CAPABILITIES)
    finally:
        await node._stop_discovery()


def test_contract_loads_with_the_framework_model() -> None:
    contract = load_and_validate_yaml_model(CONTRACT_PATH, ModelContractOrchestrator)
    assert contract.handler_routing is not None
    assert (
        tuple((entry.operation for entry in contract.handler_routing.handlers))
        == SUPPORTED_OPERATIONS
    )

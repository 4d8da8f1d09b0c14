"""Tests of NodeRefundsOrchestrator, generated with the node by codegen-ast."""

from pathlib import Path
from typing import Literal, cast
from uuid import uuid4

import pytest
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.enums.enum_health_status_value import EnumHealthStatusValue
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.contracts import ModelContractOrchestrator
from omnibase_core.models.core.model_onex_event import ModelOnexEvent
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.models.orchestrator.model_orchestrator_input import (
    ModelOrchestratorInput,
)
from omnibase_core.models.orchestrator.model_orchestrator_input_metadata import (
    ModelOrchestratorInputMetadata,
)
from omnibase_core.protocols.event_bus import ProtocolEventBus
from omnibase_core.utils.util_safe_yaml_loader import load_and_validate_yaml_model

from ..models.model_refunds_input import ModelRefundsInput
from ..models.model_refunds_output import ModelRefundsOutput
from ..node import NodeRefundsOrchestrator, SUPPORTED_OPERATIONS

CONTRACT_PATH = Path(__file__).resolve().parent.parent / "contract.yaml"


@pytest.fixture
def node() -> NodeRefundsOrchestrator:
    return NodeRefundsOrchestrator(ModelONEXContainer())


def sample_request(
    operation: Literal["create_record", "read_record"],
) -> ModelRefundsInput:
    """A request for ``operation`` with a sample value in every input field."""
    return ModelRefundsInput(operation=operation, item_id="sample", quantity=1)


@pytest.mark.asyncio
async def test_create_record_returns_typed_output(
    node: NodeRefundsOrchestrator,
) -> None:
    request = sample_request("create_record")
    output = await node.process(request)
    assert isinstance(output, ModelRefundsOutput)
    assert output.correlation_id == request.correlation_id
    assert output.execution_status == "completed"


@pytest.mark.asyncio
async def test_read_record_returns_typed_output(node: NodeRefundsOrchestrator) -> None:
    request = sample_request("read_record")
    output = await node.process(request)
    assert isinstance(output, ModelRefundsOutput)
    assert output.correlation_id == request.correlation_id
    assert output.execution_status == "completed"


@pytest.mark.asyncio
async def test_invalid_input_raises_validation_error(
    node: NodeRefundsOrchestrator,
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
async def test_health_checks_report_status(node: NodeRefundsOrchestrator) -> None:
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
    ]


@pytest.mark.asyncio
async def test_metrics_count_operations(node: NodeRefundsOrchestrator) -> None:
    await node.process(sample_request("create_record"))
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
    node: NodeRefundsOrchestrator,
) -> None:
    bus = RecordingEventBus()
    node.bind_event_bus(cast(ProtocolEventBus, bus))
    correlation_id = uuid4()
    await node.publish_event("refunds.test_event", correlation_id=correlation_id)
    assert len(bus.envelopes) == 1
    assert bus.envelopes[0].payload.correlation_id == correlation_id


def test_contract_loads_with_the_framework_model() -> None:
    contract = load_and_validate_yaml_model(CONTRACT_PATH, ModelContractOrchestrator)
    assert contract.handler_routing is not None
    assert (
        tuple((entry.operation for entry in contract.handler_routing.handlers))
        == SUPPORTED_OPERATIONS
    )

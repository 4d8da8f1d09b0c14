"""Tests of NodePaymentsGatewayEffect, generated with the node by codegen-ast."""

from pathlib import Path
from typing import Literal, cast
from uuid import uuid4

import pytest
from omnibase_core.enums import EnumCoreErrorCode, EnumEffectType
from omnibase_core.enums.enum_health_status_value import EnumHealthStatusValue
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.contracts import ModelContractEffect
from omnibase_core.models.core.model_onex_event import ModelOnexEvent
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.protocols.event_bus import ProtocolEventBus

from ..models.model_payments_gateway_input import ModelPaymentsGatewayInput
from ..models.model_payments_gateway_output import ModelPaymentsGatewayOutput
from ..node import NodePaymentsGatewayEffect, SUPPORTED_OPERATIONS

CONTRACT_PATH = Path(__file__).resolve().parent.parent / "contract.yaml"


@pytest.fixture
def node() -> NodePaymentsGatewayEffect:
    return NodePaymentsGatewayEffect(ModelONEXContainer())


def sample_request(operation: Literal["call_remote"]) -> ModelPaymentsGatewayInput:
    """A request for ``operation`` with a sample value in every input field."""
    return ModelPaymentsGatewayInput(operation=operation, item_id="sample", quantity=1)


@pytest.mark.asyncio
async def test_call_remote_returns_typed_output(
    node: NodePaymentsGatewayEffect,
) -> None:
    request = sample_request("call_remote")
    output = await node.process(request)
    assert isinstance(output, ModelPaymentsGatewayOutput)
    assert output.correlation_id == request.correlation_id
    assert output.operation_id == request.operation_id
    assert output.processing_time_ms > 0.0


@pytest.mark.asyncio
async def test_plain_framework_input_is_routed(node: NodePaymentsGatewayEffect) -> None:
    request = ModelEffectInput(
        effect_type=EnumEffectType.API_CALL,
        operation_data={"operation": "call_remote", "item_id": "sample", "quantity": 1},
    )
    output = await node.process(request)
    assert isinstance(output, ModelPaymentsGatewayOutput)


@pytest.mark.asyncio
async def test_invalid_input_raises_validation_error(
    node: NodePaymentsGatewayEffect,
) -> None:
    request = ModelEffectInput(
        effect_type=EnumEffectType.API_CALL,
        operation_data={"operation": "no_such_operation"},
    )
    with pytest.raises(ModelOnexError) as caught:
        await node.process(request)
    assert caught.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR


@pytest.mark.asyncio
async def test_health_checks_report_status(node: NodePaymentsGatewayEffect) -> None:
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
        EnumHealthStatusValue.HEALTHY,
    ]


@pytest.mark.asyncio
async def test_metrics_count_operations(node: NodePaymentsGatewayEffect) -> None:
    await node.process(sample_request("call_remote"))
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
    node: NodePaymentsGatewayEffect,
) -> None:
    bus = RecordingEventBus()
    node.bind_event_bus(cast(ProtocolEventBus, bus))
    correlation_id = uuid4()
    await node.publish_event(
        "payments_gateway.test_event", correlation_id=correlation_id
    )
    assert len(bus.envelopes) == 1
    assert bus.envelopes[0].payload.correlation_id == correlation_id


def test_contract_loads_with_the_framework_model() -> None:
    contract = ModelContractEffect.from_yaml(CONTRACT_PATH.read_text(encoding="utf-8"))
    assert contract.handler_routing is not None
    assert (
        tuple((entry.operation for entry in contract.handler_routing.handlers))
        == SUPPORTED_OPERATIONS
    )

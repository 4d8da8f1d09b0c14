"""Tests of NodeOrderStatusReducer, generated with the node by codegen-ast."""

from pathlib import Path
from typing import Literal
from uuid import uuid4

import pytest
from omnibase_core.enums import EnumCoreErrorCode, EnumReductionType
from omnibase_core.enums.enum_health_status_value import EnumHealthStatusValue
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.common.model_reducer_metadata import ModelReducerMetadata
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.contracts import ModelContractReducer
from omnibase_core.models.health.model_health_status import ModelHealthStatus
from omnibase_core.models.reducer.model_reducer_input import ModelReducerInput
from omnibase_core.types.type_serializable_value import SerializedDict

from ..models.model_order_status_input import ModelOrderStatusInput
from ..models.model_order_status_output import ModelOrderStatusOutput
from ..node import NodeOrderStatusReducer, SUPPORTED_OPERATIONS

CONTRACT_PATH = Path(__file__).resolve().parent.parent / "contract.yaml"


@pytest.fixture
def node() -> NodeOrderStatusReducer:
    return NodeOrderStatusReducer(ModelONEXContainer())


def sample_request(operation: Literal["handle_order"]) -> ModelOrderStatusInput:
    """A request for ``operation`` with a sample value in every input field."""
    return ModelOrderStatusInput(operation=operation, item_id="sample", quantity=1)


@pytest.mark.asyncio
async def test_handle_order_returns_typed_output(node: NodeOrderStatusReducer) -> None:
    request = sample_request("handle_order")
    output = await node.process(request)
    assert isinstance(output, ModelOrderStatusOutput)
    assert output.correlation_id == request.correlation_id
    assert output.operation_id == request.operation_id
    assert output.processing_time_ms > 0.0


@pytest.mark.asyncio
async def test_plain_framework_input_is_routed(node: NodeOrderStatusReducer) -> None:
    data: list[SerializedDict] = [{"item_id": "sample", "quantity": 1}]
    request = ModelReducerInput[SerializedDict](
        data=data,
        reduction_type=EnumReductionType.FOLD,
        metadata=ModelReducerMetadata(trigger="handle_order"),
    )
    output = await node.process(request)
    assert isinstance(output, ModelOrderStatusOutput)


@pytest.mark.asyncio
async def test_invalid_input_raises_validation_error(
    node: NodeOrderStatusReducer,
) -> None:
    data: list[SerializedDict] = [{}]
    request = ModelReducerInput[SerializedDict](
        data=data,
        reduction_type=EnumReductionType.FOLD,
        metadata=ModelReducerMetadata(trigger="no_such_operation"),
    )
    with pytest.raises(ModelOnexError) as caught:
        await node.process(request)
    assert caught.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR


@pytest.mark.asyncio
async def test_health_checks_report_status(node: NodeOrderStatusReducer) -> None:
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
async def test_metrics_count_operations(node: NodeOrderStatusReducer) -> None:
    await node.process(sample_request("handle_order"))
    metrics = node.get_operation_metrics()
    assert metrics["operations"] == 1
    assert metrics["successes"] == 1
    assert metrics["failures"] == 0
    assert metrics["duration_ms_total"] > 0.0


def test_contract_loads_with_the_framework_model() -> None:
    contract = ModelContractReducer.from_yaml(CONTRACT_PATH.read_text(encoding="utf-8"))
    assert contract.handler_routing is not None
    assert (
        tuple((entry.operation for entry in contract.handler_routing.handlers))
        == SUPPORTED_OPERATIONS
    )

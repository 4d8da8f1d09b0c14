"""The sample input of each node kind the smoke runner gives process() (and seed-era entry points)."""

from __future__ import annotations

import uuid
from typing import Any


def sample(kind: str, *, empty: bool = False) -> Any:
    """``empty``: no payload (for a node whose request model declares no field)."""
    from omnibase_core.enums import EnumEffectType
    from omnibase_core.enums.enum_reducer_types import EnumReductionType
    from omnibase_core.models.compute.model_compute_input import ModelComputeInput
    from omnibase_core.models.effect.model_effect_input import ModelEffectInput
    from omnibase_core.models.orchestrator.model_orchestrator_input import ModelOrchestratorInput
    from omnibase_core.models.reducer.model_reducer_input import ModelReducerInput

    if kind == "effect":
        return ModelEffectInput(effect_type=EnumEffectType.API_CALL, operation_data={} if empty else {"item": "widget", "amount": 2})
    if kind == "compute":
        return ModelComputeInput(data={} if empty else {"value": 3, "unit": "km"}, computation_type="smoke")
    if kind == "reducer":
        return ModelReducerInput(data=[] if empty else [1, 2, 3], reduction_type=EnumReductionType.AGGREGATE)
    return ModelOrchestratorInput(workflow_id=uuid.UUID(int=7), steps=[])

"""Address validation; process is traced by the team's own decorator."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, override

from omnibase_core.enums import EnumTransactionState
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
from omnibase_core.nodes.node_service_effect import ModelServiceEffect

CALLS: list[str] = []


def traced[**P, R](
    function: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """Record the name of every call (the tracing backend reads CALLS)."""

    @functools.wraps(function)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        CALLS.append(function.__name__)
        return await function(*args, **kwargs)

    return wrapper


class NodeAddressCheckEffect(ModelServiceEffect):
    """Checks that an address has a postcode."""

    @override
    @traced
    async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
        valid = bool(input_data.model_dump()["operation_data"].get("postcode"))
        return ModelEffectOutput(
            result={"valid": valid},
            operation_id=input_data.operation_id,
            effect_type=input_data.effect_type,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
        )

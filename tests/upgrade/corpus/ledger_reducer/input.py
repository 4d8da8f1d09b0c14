"""Account balances reduced from ledger entries."""

from __future__ import annotations

from dataclasses import dataclass, field

from omnibase_core.enums import EnumReductionType
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.projectors.model_projection_intent import ModelProjectionIntent
from omnibase_core.models.reducer.model_reducer_input import ModelReducerInput
from omnibase_core.models.reducer.model_reducer_output import ModelReducerOutput
from omnibase_core.nodes import NodeReducer
from omnibase_core.types.type_serializable_value import SerializedDict


@dataclass
class Balances:
    """Running balance per account."""

    by_account: dict[str, float] = field(default_factory=dict)

    def apply(self, account: str, amount: float) -> None:
        self.by_account[account] = self.by_account.get(account, 0.0) + amount


class NodeLedgerReducer(NodeReducer[SerializedDict, SerializedDict]):
    """Folds ledger entries into balances."""

    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)
        self.balances = Balances()

    async def process(
        self,
        input_data: ModelReducerInput[SerializedDict],
        projection_intents: tuple[ModelProjectionIntent, ...] = (),
    ) -> ModelReducerOutput[SerializedDict]:
        for entry in input_data.data:
            self.balances.apply(str(entry["account"]), float(str(entry["amount"])))
        return ModelReducerOutput[SerializedDict](
            result={key: value for key, value in self.balances.by_account.items()},
            operation_id=input_data.operation_id,
            reduction_type=EnumReductionType.AGGREGATE,
            processing_time_ms=0.0,
            items_processed=len(input_data.data),
        )

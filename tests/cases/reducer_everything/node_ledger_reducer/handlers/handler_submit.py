"""Handler of the submit operation of NodeLedgerReducer."""

from ..models.model_ledger_input import ModelLedgerInput
from ..models.model_ledger_output import ModelLedgerOutput


class HandlerSubmit:
    """The submit operation of NodeLedgerReducer."""

    async def handle(
        self, request: ModelLedgerInput, state: ModelLedgerOutput | None
    ) -> ModelLedgerOutput:
        """Generated default: echo same-named input fields; put the business logic here."""
        return ModelLedgerOutput(
            operation_id=request.operation_id,
            correlation_id=request.correlation_id,
            item_id=request.item_id,
            accepted=False,
        )

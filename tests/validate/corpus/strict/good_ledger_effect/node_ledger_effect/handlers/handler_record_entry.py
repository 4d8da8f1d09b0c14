"""Records one ledger entry."""

from collections import defaultdict

from omnibase_core.enums import EnumCoreErrorCode, EnumTransactionState
from omnibase_core.errors import ModelOnexError

from ..models.model_ledger_input import ModelLedgerInput
from ..models.model_ledger_output import ModelLedgerOutput

OVERDRAFT_LIMIT_CENTS = -50_000


class HandlerRecordEntry:
    """Keeps balances per account; refuses entries that overdraw an account."""

    def __init__(self) -> None:
        self._balances: defaultdict[str, int] = defaultdict(int)

    async def handle(self, request: ModelLedgerInput) -> ModelLedgerOutput:
        """Apply the entry to the account's balance."""
        balance = self._balances[request.account] + request.amount_cents
        if balance < OVERDRAFT_LIMIT_CENTS:
            raise ModelOnexError(
                message=f"entry would overdraw {request.account}",
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                account=request.account,
            )
        self._balances[request.account] = balance
        return ModelLedgerOutput(
            result={"account": request.account, "balance_cents": balance},
            operation_id=request.operation_id,
            transaction_state=EnumTransactionState.COMMITTED,
            processing_time_ms=0.0,
            account=request.account,
            balance_cents=balance,
        )

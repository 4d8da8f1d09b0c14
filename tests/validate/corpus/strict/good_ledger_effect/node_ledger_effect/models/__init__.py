"""Input and output of NodeLedgerEffect."""

from .model_ledger_input import ModelLedgerInput
from .model_ledger_output import ModelLedgerOutput

__all__ = ["ModelLedgerInput", "ModelLedgerOutput"]

"""Typed input and output models of NodeLedgerReducer."""

from .model_ledger_input import ModelLedgerInput
from .model_ledger_output import ModelLedgerOutput

__all__ = ["ModelLedgerInput", "ModelLedgerOutput"]

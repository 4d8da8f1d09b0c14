"""The reducer node package node_ledger_reducer."""

from .models import ModelLedgerInput, ModelLedgerOutput
from .node import NodeLedgerReducer

__all__ = ["ModelLedgerInput", "ModelLedgerOutput", "NodeLedgerReducer"]

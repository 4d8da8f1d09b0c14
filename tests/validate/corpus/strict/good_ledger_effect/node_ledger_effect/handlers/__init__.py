"""Operation handlers of NodeLedgerEffect."""

from .handler_record_entry import HandlerRecordEntry

__all__ = ["HandlerRecordEntry"]

"""Operation handlers of NodeRefundsOrchestrator."""

from .handler_create_record import HandlerCreateRecord
from .handler_read_record import HandlerReadRecord

__all__ = ["HandlerCreateRecord", "HandlerReadRecord"]

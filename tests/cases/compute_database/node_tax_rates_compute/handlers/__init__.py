"""Operation handlers of NodeTaxRatesCompute."""

from .handler_create_record import HandlerCreateRecord
from .handler_read_record import HandlerReadRecord

__all__ = ["HandlerCreateRecord", "HandlerReadRecord"]

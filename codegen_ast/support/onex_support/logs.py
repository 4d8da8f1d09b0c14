"""One structured log line, through the framework's emit_log_event_sync."""

from uuid import UUID

from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.logging.logging_structured import emit_log_event_sync
from onex_support.values import Maybe

__all__ = ["EnumLogLevel", "emit_log"]


def emit_log(
    level: EnumLogLevel,
    message: str,
    node: str,
    correlation_id: Maybe[UUID] = None,
    **context: object,
) -> None:
    """Log ``message`` with the node name, the correlation id and ``context``."""
    emit_log_event_sync(
        level,
        message,
        {
            "node": node,
            "correlation_id": None if correlation_id is None else str(correlation_id),
            **context,
        },
    )

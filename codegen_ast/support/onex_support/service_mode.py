"""The base after the framework's service wrapper of a declarative node declared as
a long-lived service whose class has both ``MixinNodeService`` and ``MixinEventBus``.

The framework's service wrappers (``ModelServiceEffect``, ``ModelServiceOrchestrator``)
list ``MixinNodeService`` before ``MixinEventBus``, and the two define ``_log_info`` /
``_log_error`` differently: ``MixinNodeService``'s take ``(message)``,
``MixinEventBus``'s ``(message, pattern)`` and ``(message, pattern, error=)``. Inside
the wrapper the first wins, so (omnibase-core 0.47.57) ``publish_event`` delivers the
event and then raises ``TypeError`` from its log call, and ``mypy --strict`` reports the
clash for any class that adds a base to the wrapper. ``LongLivedNode`` defines both
once, serving either caller; placed right after the wrapper (so before the wrapper's
``MixinNodeService``, and without moving ``MixinEventBus`` before the node base's
``process``), a node class stays a shell:
``class NodeLedgerEffect(ModelServiceEffect, LongLivedNode, MixinCaching)``.
"""

from typing import Any

from omnibase_core.mixins.mixin_event_bus import MixinEventBus
from omnibase_core.mixins.mixin_node_service import MixinNodeService

__all__ = ["LongLivedNode"]


class LongLivedNode(MixinNodeService, MixinEventBus[Any, Any]):
    """The logging both service mixins call, defined once (the framework's wrappers
    define it twice, differently)."""

    def _log_info(self, message: str, pattern: str | None = None) -> None:
        """Serve both callers: MixinNodeService (message) and MixinEventBus (message, pattern)."""
        if pattern is None:
            MixinNodeService._log_info(self, message)
        else:
            MixinEventBus._log_info(self, message, pattern)

    def _log_error(
        self,
        message: str,
        pattern: str | None = None,
        error: BaseException | None = None,
    ) -> None:
        """Serve both callers: MixinNodeService (message) and MixinEventBus (message, pattern, error=)."""
        if pattern is None:
            if error is not None:
                message = f"{message}: {error!r}"
            MixinNodeService._log_error(self, message)
        else:
            MixinEventBus._log_error(self, message, pattern, error=error)

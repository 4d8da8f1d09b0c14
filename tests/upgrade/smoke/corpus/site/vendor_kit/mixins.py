"""Mixins the vendor ships."""

from omnibase_core.mixins import MixinHealthCheck
from omnibase_core.mixins.mixin_metrics import MixinMetrics


class ObservableMixin(MixinHealthCheck, MixinMetrics):
    """Health checks and metrics, composed the vendor's way."""


class AuditMixin:
    """Keeps an audit trail in memory."""

    def audit(self, event: str) -> int:
        trail: list[str] = self.__dict__.setdefault("_trail", [])
        trail.append(event)
        return len(trail)

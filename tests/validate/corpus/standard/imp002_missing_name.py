"""omnibase-core does not re-export MixinMetrics from omnibase_core.mixins."""

from omnibase_core.mixins import MixinEventBus, MixinMetrics  # expect: IMP002

__all__ = ["MixinEventBus", "MixinMetrics"]

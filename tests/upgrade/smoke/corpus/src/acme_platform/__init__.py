"""The platform team's node bases (another package of the same repository)."""

from acme_platform.bases import AsyncMetricsEffect, PlatformCompute, PlatformServiceEffect

__all__ = ["AsyncMetricsEffect", "PlatformCompute", "PlatformServiceEffect"]

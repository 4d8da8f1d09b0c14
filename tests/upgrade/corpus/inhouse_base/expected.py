"""Shipping labels, on the platform team's own node base."""

from __future__ import annotations

from platform_nodes.base import PlatformEffectBase  # type: ignore[import-not-found]


class NodeShippingLabelEffect(PlatformEffectBase):  # type: ignore[misc]
    """Prints shipping labels."""

    async def process(self, input_data: dict[str, str]) -> dict[str, str]:
        return {"label": f"TO: {input_data['address']}"}

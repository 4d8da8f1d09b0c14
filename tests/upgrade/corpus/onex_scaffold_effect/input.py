# SPDX-FileCopyrightText: 2025 OmniNode.ai Inc.
# SPDX-License-Identifier: MIT
"""NodeWidgets node — effect type."""

from __future__ import annotations


class NodeWidgets:
    """Effect node for widgets.

    TODO(OMN-XXXX): Implement node logic.
    """

    def apply_effect(self, input_data: object) -> object:
        """Run the effect step for widgets.

        Named for the archetype rather than a bare ``process``: ``onex validate``
        rejects ``process``/``run``/``execute`` as generic terminology.

        TODO(OMN-XXXX): Implement effect logic for widgets.
        """
        raise NotImplementedError("NodeWidgets.apply_effect not yet implemented")

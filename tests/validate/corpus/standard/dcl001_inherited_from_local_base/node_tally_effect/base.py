"""A local base of the tally node: it carries a method, so the node is no shell."""

from omnibase_core.nodes.node_effect import NodeEffect


class TallyNode(NodeEffect):
    """Shared by the tally nodes."""

    def words(self, text: str) -> int:  # expect: DCL001
        """Count the words."""
        return len(text.split())

# The node of the seed plan's section 8.4 test ("validator catches missing production
# patterns"), verbatim but for the import it needs to be a module at all. The seed
# expected strict validation to fail on health checks and envelope events.
from omnibase_core.nodes import NodeEffect


class NodeTest(NodeEffect):  # expect: STR001, STR003, STR005, PAT001, PAT002, PAT003
    def __init__(self, container):  # expect: TYP001
        super().__init__(container)
        # No health check mode detection
        # No Consul registration

    async def execute_effect(self, contract):  # expect: TYP001
        # No OnexEnvelopeV1 wrapping
        # No metrics tracking
        pass  # expect: CMP002

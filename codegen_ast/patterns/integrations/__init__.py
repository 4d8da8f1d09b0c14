"""Client integrations a node can depend on, by name."""

from codegen_ast.patterns.integrations.base import Integration, build_integration
from codegen_ast.patterns.integrations.http import HTTP
from codegen_ast.patterns.integrations.kafka import KAFKA
from codegen_ast.patterns.integrations.postgres import POSTGRES
from codegen_ast.patterns.integrations.redis import REDIS

# Start order; cleanup stops them in reverse.
INTEGRATIONS: dict[str, Integration] = {
    item.name: item for item in (POSTGRES, REDIS, HTTP, KAFKA)
}

__all__ = ["INTEGRATIONS", "Integration", "build_integration"]

"""The clients a module already makes: a node that has its own Kafka producer,
database pool, Redis or HTTP client, or Consul registration gets no second one.

Read from the calls the module makes (anywhere in it: a client made at module
level serves the node as well as one made in ``initialize``), matched on the
name that is called, as the user wrote it.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import PositionProvider

from codegen_ast.upgrade.formatting import code_of

# integration -> (what it is, the callee names that make one)
_MAKERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "kafka": ("Kafka producer", ("AIOKafkaProducer", "KafkaProducer", "confluent_kafka.Producer")),
    "postgres": ("PostgreSQL connection", ("asyncpg.create_pool", "create_pool", "asyncpg.connect")),
    "redis": ("Redis client", ("Redis", "StrictRedis", "redis.from_url", "Redis.from_url")),
    "http": ("HTTP client", ("httpx.AsyncClient", "AsyncClient", "httpx.Client", "ClientSession")),
    "consul": ("Consul registration", ("consul.Consul", "Consul", "agent.service.register")),
}


def owned_clients(module: cst.Module) -> dict[str, str]:
    """integration -> "Kafka producer (AIOKafkaProducer(...) on line 12)" for each the module makes."""
    found: dict[str, str] = {}
    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    for call in m.findall(wrapper.module, m.Call()):
        assert isinstance(call, cst.Call)
        callee = "".join(code_of(call.func).split())
        for integration, (what, makers) in _MAKERS.items():
            if integration not in found and any(callee == maker or callee.endswith("." + maker) for maker in makers):
                found[integration] = f"{what} ({callee}(...) on line {positions[call].start.line})"
    return found

"""The integrations in the declarative shape: one ``onex_support`` resource each,
an attribute of the node's resources class (``registry/``), started, probed and
stopped by ``NodeResources``."""

from __future__ import annotations

from codegen_ast import builders as b
from codegen_ast.patterns.contribution import Contribution, NodeContext, ResourceDecl
from codegen_ast.patterns.record import Build, Earlier, PatternName

SUPPORT = "onex_support"


def _resource(attribute: str, module: str, cls: str, *arguments: b.ExprLike, publisher: bool = False,
              keywords: dict[str, b.ExprLike] | None = None) -> Build:
    def build(context: NodeContext, earlier: Earlier) -> Contribution:
        return Contribution(resources=[ResourceDecl(
            attribute, cls, b.call(cls, *arguments, **(keywords or {})),
            frozenset({(f"{SUPPORT}.{module}", cls)}), publisher=publisher,
        )])

    return build


def _node(context: NodeContext) -> b.ExprLike:
    return b.string_literal(context.spec.name)


def postgres(context: NodeContext, earlier: Earlier) -> Contribution:
    return _resource("postgres", "postgres", "PostgresPool")(context, earlier)


def redis(context: NodeContext, earlier: Earlier) -> Contribution:
    return _resource("redis", "redis_cache", "RedisClient", _node(context))(context, earlier)


def http(context: NodeContext, earlier: Earlier) -> Contribution:
    """``HttpApi``, through the circuit breaker when the node has one."""
    breaker = PatternName.CIRCUIT_BREAKER in context.selection.patterns
    keywords: dict[str, b.ExprLike] = {"breaker": b.name("True")} if breaker else {}
    return _resource("http", "http_api", "HttpApi", _node(context), keywords=keywords)(context, earlier)


def kafka(context: NodeContext, earlier: Earlier) -> Contribution:
    """The Kafka producer: it publishes the node's events when the runtime injects no bus."""
    return _resource("kafka", "kafka_bus", "KafkaPublisher", _node(context), publisher=True)(context, earlier)


def consul(context: NodeContext, earlier: Earlier) -> Contribution:
    spec = context.spec
    return _resource(
        "consul", "consul_registration", "ConsulRegistration", _node(context),
        keywords={"node_type": b.string_literal(spec.node_type), "version": b.string_literal(spec.version)},
    )(context, earlier)

"""The generated test of a node's discovery handler (a node with ``capabilities``):
discovery requests sent through the handler as the runtime delivers them
(``onex_support.testing.fixtures.discover``), each answer compared whole with what
the spec declares -- name, type, version, description, operations, capabilities and
health -- and the requests the node does not match (a capability it lacks, another
node type) left unanswered."""

from __future__ import annotations

from codegen_ast import builders as b
from codegen_ast.declarative.testgen.common import TESTING, TestModule
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.patterns.discovery.declarative import HANDLER, MODULE, answered_operations, node_version

LACKING = "no.such.capability"
OTHER_TYPE = {"compute": "effect"}  # another node type than the node's own (compute for the rest)


def build_discovery_tests(module: TestModule, context: NodeContext) -> None:
    spec = context.spec
    module.imports.add(TESTING, "Discovered", "discover").add(f"..handlers.{MODULE}", HANDLER)
    capabilities = b.list_(*(b.string_literal(capability) for capability in spec.capabilities))
    other_type = OTHER_TYPE.get(spec.node_type, "compute")  # a type name only: the request's filter

    def asked(*arguments: b.ExprLike) -> b.ExprLike:
        return b.await_(b.call("discover", HANDLER, "bus", *arguments))

    expected = b.call(
        "Discovered",
        node_name=b.string_literal(spec.name),
        node_type=b.string_literal(spec.node_type),
        version=b.tuple_(*(b.literal(part) for part in node_version(spec))),
        description=b.string_literal(spec.description),
        operations=b.tuple_(*(b.string_literal(op) for op in answered_operations(context))),
        capabilities=b.tuple_(*(b.string_literal(capability) for capability in spec.capabilities)),
        health=b.string_literal("healthy"),
    )
    body = [
        b.assert_(b.compare(asked(b.list_(b.string_literal(LACKING))), "==", b.list_())),
        b.assert_(b.compare(asked(capabilities, b.list_(b.string_literal(other_type))), "==", b.list_())),
        b.assert_(b.compare(asked(capabilities, b.list_(b.string_literal(spec.node_type))), "==", b.list_(expected))),
    ]
    module.test(
        "test_discovery_requests_are_answered_with_what_the_node_declares", ["bus"], body,
        f"A discovery request for the node's capabilities and type is answered once, on the discovery event "
        f"topic, with its name, type, version, description, operations, capabilities and health; one for "
        f"{LACKING!r} or for a {other_type} node is not answered.",
    )

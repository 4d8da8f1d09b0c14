"""discovery: the node answers the framework's discovery requests.

Applies with the ``discovery`` feature, ``capabilities`` in the spec (a
contract's ``capabilities``), or ``MixinDiscoveryResponder`` among its mixins.
The node holds a ``DiscoveryResponder`` (codegen_ast/support/discovery.py,
the framework's ``MixinDiscoveryResponder`` given what it needs of the node),
started on the bound event bus in ``initialize()`` and stopped in
``cleanup()`` (in the declarative shape: a routed handler, see
``declarative``); its responses carry the node's introspection (name, version,
type, description, operations), its health and its declared capabilities.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders import support
from codegen_ast.builders.support import SupportModule
from codegen_ast.decisions import Selection
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import Contribution, GeneratedTests, LifecycleStep, NodeContext
from codegen_ast.patterns.discovery.declarative import build_declarative
from codegen_ast.patterns.events.subscriptions import identity_settings
from codegen_ast.patterns.idioms import setting_constants
from codegen_ast.patterns.record import Earlier, Example, Pattern, PatternName
from codegen_ast.spec import NodeSpec
from codegen_ast.target import DISCOVERY_SYMBOLS, DISCOVERY_TEST_SYMBOLS
from codegen_ast.target.catalogue import BY_NAME

RESPONDER = "MixinDiscoveryResponder"


def answers_discovery(spec: NodeSpec) -> str | None:
    """Why the node answers discovery requests, if it does."""
    if "discovery" in spec.features:
        return "discovery feature"
    if spec.capabilities:
        return f"capabilities are declared ({', '.join(spec.capabilities)})"
    if RESPONDER in spec.mixins:
        return f"{RESPONDER} is requested in mixins"
    return None


def _applies(spec: NodeSpec, selection: Selection) -> str | None:
    why = answers_discovery(spec)
    if why is None:
        return None
    return f"{why}: the framework's {RESPONDER}, held by the node ({BY_NAME[RESPONDER].reason.split(';')[0]})"


def _introspection(context: NodeContext) -> cst.Call:
    spec = context.spec
    major, minor, patch = (int(part) for part in spec.version.split(".")[:3])
    return b.call(
        "ModelIntrospectionData",
        node_name="NODE_NAME",
        node_version=b.call("ModelSemVer", major=b.literal(major), minor=b.literal(minor), patch=b.literal(patch)),
        node_type=b.string_literal(spec.node_type),
        description=b.string_literal(spec.description),
        supported_operations=b.call("list", "SUPPORTED_OPERATIONS"),
    )


def build_discovery(context: NodeContext, *, identity: bool) -> Contribution:
    """``identity``: also define node_identity() (the consumed-events pattern does when it applies)."""
    spec = context.spec
    statements: list[cst.BaseStatement] = [
        b.assign(
            "DISCOVERY_CAPABILITIES",
            b.tuple_(*(b.string_literal(capability) for capability in spec.capabilities)),
            b.annotation("tuple[str, ...]"),
        ),
    ]
    if identity:
        statements += [*setting_constants(identity_settings(spec)), support.function(SupportModule.EVENTS, "node_identity")]
    statements += [
        support.class_(SupportModule.ONEX_DISCOVERY, "DiscoveryResponder"),
    ]
    return Contribution(
        imports={(symbol.module, symbol.name) for symbol in DISCOVERY_SYMBOLS},
        module_statements=statements,
        init_statements=[
            b.assign(
                "self._discovery",
                b.call(
                    "DiscoveryResponder",
                    "self.node_id",
                    "self.health_check_async",
                    _introspection(context),
                    "DISCOVERY_CAPABILITIES",
                ),
            )
        ],
        methods=[
            support.method(SupportModule.DISCOVERY, "DiscoveryParticipant", "_start_discovery"),
            support.method(SupportModule.DISCOVERY, "DiscoveryParticipant", "_stop_discovery"),
        ],
        lifecycle=[LifecycleStep("discovery", "_start_discovery", "_stop_discovery", "DISCOVERY_SETUP_FAILED")],
    )


def generated_tests(context: NodeContext) -> GeneratedTests:
    """The package's own test: the node answers a request for its capabilities on the
    framework's in-memory bus, and not one for a capability it lacks."""
    imports = b.ImportSet().add("..node", "DISCOVERY_CAPABILITIES")
    for symbol in DISCOVERY_TEST_SYMBOLS:
        imports.add(symbol.module, *((symbol.name,) if symbol.name else ()))
    test = b.function(
        "test_discovery_requests_are_answered_on_the_event_bus",
        [Param("node", context.spec.class_name)],
        [
            b.assign("memory", b.call("EventBusInmemory")),
            b.do(b.await_(b.call("memory.start"))),
            b.with_leading_comment(
                b.assign("bus", b.call("cast", "ProtocolEventBus", "memory")),
                "the framework's in-memory bus implements ProtocolEventBus, though not to the letter of its types",
            ),
            b.do(b.call("node.bind_event_bus", "bus")),
            b.do(b.await_(b.call("node._start_discovery"))),
            b.try_(
                [
                    b.with_leading_comment(
                        b.assert_(
                            b.compare(
                                b.await_(b.call("ask_discovery", "bus", b.list_(b.string_literal("no.such.capability")))),
                                "==",
                                b.list_(),
                            )
                        ),
                        "a request for a capability the node lacks is filtered out",
                    ),
                    b.assign("answers", b.await_(b.call("ask_discovery", "bus", b.call("list", "DISCOVERY_CAPABILITIES")))),
                    b.assert_(
                        b.compare(
                            b.list_comp(b.subscript("answer", b.string_literal("node_id")), "answer", "answers"),
                            "==",
                            b.list_(b.call("str", "node.node_id")),
                        )
                    ),
                    b.assert_(
                        b.compare(
                            b.subscript(b.subscript("answers", b.literal(0)), b.string_literal("capabilities")),
                            "==",
                            b.call("list", "DISCOVERY_CAPABILITIES"),
                        )
                    ),
                ],
                [],
                finally_=[b.do(b.await_(b.call("node._stop_discovery")))],
            ),
        ],
        returns="None",
        is_async=True,
        decorators=["pytest.mark.asyncio"],
    )
    return GeneratedTests(
        imports=imports,
        support=[support.function(SupportModule.DISCOVERY, "ask_discovery")],
        tests=[test],
    )


def _build(context: NodeContext, earlier: Earlier) -> Contribution:
    contribution = build_discovery(context, identity=PatternName.EVENT_HANDLERS not in context.selection.patterns)
    contribution.tests = generated_tests(context)
    return contribution


PATTERN = Pattern(
    name=PatternName.DISCOVERY,
    summary="answers the framework's discovery requests with the node's introspection, health and capabilities.",
    applies=_applies,
    build=_build,
    example=Example(
        before="capabilities: [orders.read]  # in contract.yaml, and nobody answers who asks",
        after="await self._start_discovery()  # in initialize(): NODE_DISCOVERY_REQUEST -> a response with the capabilities",
    ),
    tests=("tests/test_discovery.py",),
    declarative=build_declarative,
)

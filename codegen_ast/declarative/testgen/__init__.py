"""The generated ``tests/`` of a declarative package, built from its spec as LibCST
trees: each operation's answer, the rows it writes (read back with asyncpg), the
events it publishes (through the framework's in-memory bus, the one RuntimeLocal
injects), the HTTP calls it makes, the compensations a saga runs and their order,
the code and context of each failure, and the node's answer to a discovery request.
Real services come from the fixtures of ``onex_support.testing`` (a throwaway
server, or an ``ONEX_TEST_*`` variable; the test is skipped, naming the package to
install, when there is neither)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from typing import Any

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.declarative.contract import payload_keyed
from codegen_ast.declarative.names import DeclarativeNames
from codegen_ast.declarative.testgen.common import SERVICES, TESTING, Statements, TestModule
from codegen_ast.declarative.testgen.crud import CrudTests
from codegen_ast.declarative.testgen.default import build_default_tests
from codegen_ast.declarative.testgen.discovery import build_discovery_tests
from codegen_ast.declarative.testgen.events import build_consumed_tests
from codegen_ast.declarative.testgen.fold import build_fold_tests
from codegen_ast.declarative.testgen.http import HttpTests
from codegen_ast.declarative.testgen.reducer import ReducerTests
from codegen_ast.declarative.testgen.saga import SagaTests
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.discovery.declarative import DISCOVERY_HANDLER
from codegen_ast.patterns.events.declarative import published_topics
from codegen_ast.declarative.kinds import transition_event
from codegen_ast.target import CONTAINER

__all__ = ["build_test_modules"]


def _conftest() -> cst.Module:
    """Every fixture of onex_support.testing, by one star import: pytest finds them by
    name, and no list of them is copied into each package."""
    star = cst.SimpleStatementLine(
        [cst.ImportFrom(module=b.dotted(TESTING), names=cst.ImportStar())],
        trailing_whitespace=cst.TrailingWhitespace(
            whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment("# noqa: F403 (pytest finds fixtures by name)")),
    )
    return b.module([star], doc="The fixtures of the generated tests: real services (see onex_support.testing).")


def _shell_tests(module: TestModule, context: NodeContext, contributions: Sequence[Contribution]) -> None:
    spec, names = module.spec, module.names
    module.imports.add(CONTAINER.module, CONTAINER.name).add("..node", spec.class_name)
    module.imports.add("..handler", names.entry_class)
    module.body.append(b.function(
        "test_the_node_is_built_by_the_framework", [], [
            b.assign("container", b.call(CONTAINER.name)),
            b.assign("node", b.call(spec.class_name, "container")),
            b.assert_(b.compare("node.container", "is", "container")),
        ], returns="None", doc="The node class is a declarative shell: the framework's base builds it."))
    routes: dict[str, b.ExprLike] = {op.routed: b.name(module.handler(op.name)) for op in spec.effective_operations}
    module.body.append(b.function(
        "test_the_entry_handler_routes_each_operation_to_its_handler", [], [
            b.assign("entry", b.call(names.entry_class)),
            b.assert_(b.compare(
                b.dict_comp("operation", b.call("type", "handler"), "operation, handler",
                            b.call("entry.handlers.items")),
                "==", b.dict_(routes))),
        ], returns="None", doc="handler_routing.default_handler: one handler per operation."))
    added = [route for c in contributions for route in c.routes]
    if payload_keyed(names, added):
        _payload_routing_test(module, added)
    elif spec.declared is not None and spec.declared.topic_routed:
        _topic_routing_test(module)


def _topic_routing_test(module: TestModule) -> None:
    """topic_pattern as the framework resolves it: a topic each entry's glob matches goes to
    the handler of the first pattern (in the contract's order) that matches it."""
    spec, names = module.spec, module.names
    patterns = [(pattern, names.handler_class(op.name)) for op in spec.effective_operations
                if (pattern := spec.declared.topic_pattern(op.name) if spec.declared else None)]
    expected: dict[str, str] = {}
    for pattern, _ in patterns:
        topic = sample_topic(pattern)
        first = next((handler for glob, handler in patterns if fnmatch.fnmatchcase(topic, glob)), None)
        if first is not None:
            expected[topic] = first
    if not expected:
        return
    module.imports.add(TESTING, "topic_route").add("pathlib", "Path")
    here = b.call(b.attr(b.call("Path", "__file__"), "resolve"))
    contract = b.binop(b.attr(b.attr(here, "parent"), "parent"), "/", b.string_literal("contract.yaml"))
    module.body.append(b.function(
        "test_the_framework_routes_each_topic_pattern_to_its_handler", [], [
            b.assign("contract", contract),
            b.assert_(b.compare(
                b.dict_({topic: b.call("topic_route", "contract", b.string_literal(topic)) for topic in expected}),
                "==", b.dict_({topic: b.list_(b.string_literal(handler)) for topic, handler in expected.items()}))),
        ], returns="None",
        doc="handler_routing (topic_pattern): a topic each pattern matches reaches its handler, as the framework routes it."))


def sample_topic(pattern: str) -> str:
    """A topic the glob ``pattern`` matches: ``*`` as ``v1``, ``?`` as ``x``, ``[ab]`` as ``a``."""
    topic = re.sub(r"\[!?([^\]])[^\]]*\]", lambda found: found[1] if not found[0].startswith("[!") else "x", pattern)
    return topic.replace("*", "v1").replace("?", "x")


def _payload_routing_test(module: TestModule, routes: Sequence[dict[str, Any]]) -> None:
    """payload_type_match as the framework resolves it: each payload model keys exactly its
    operation's handler (and each other route's event model its handler: consumed events,
    discovery), and is a request of that operation only."""
    spec, names = module.spec, module.names
    models = names.payload_models()
    module.imports.add(TESTING, "routing_table").add("pathlib", "Path")
    keyed = [(model, names.handler_class(op)) for op, (model, _) in models.items()]
    keyed += [(route["event_model"]["name"], route["handler"]["name"]) for route in routes if "event_model" in route]
    handlers: dict[str, list[str]] = {}
    for model, handler in keyed:
        handlers.setdefault(model, []).append(handler)
    table = {model: b.list_(*(b.string_literal(handler) for handler in found)) for model, found in handlers.items()}
    for model, file in models.values():
        module.imports.add(f"..models.{file}", model)
    here = b.call(b.attr(b.call("Path", "__file__"), "resolve"))
    contract = b.binop(b.attr(b.attr(here, "parent"), "parent"), "/", b.string_literal("contract.yaml"))
    module.body.append(b.function(
        "test_the_framework_routes_each_payload_type_to_its_handler", [], [
            b.assert_(b.compare(b.call("routing_table", contract), "==",
                                b.dict_(dict(table)))),
            b.assert_(b.compare(
                b.dict_({model: b.attr(b.subscript(f"{model}.model_fields", b.string_literal("operation")), "default")
                         for model, _ in models.values()}),
                "==", b.dict_({model: b.string_literal(spec.routed(op)) for op, (model, _) in models.items()}))),
        ], returns="None", doc="handler_routing (payload_type_match): one handler per payload model, as the framework routes it."))


def build_test_modules(
    context: NodeContext, names: DeclarativeNames, contributions: Sequence[Contribution]
) -> dict[str, cst.Module]:
    """``tests/__init__.py``, ``tests/conftest.py`` and ``tests/test_<node>.py``."""
    spec = context.spec
    module = TestModule(spec, names)
    module.services = [SERVICES[r.attribute] for c in contributions for r in c.resources if r.attribute in SERVICES]
    _shell_tests(module, context, contributions)
    topics = published_topics(context)
    events: dict[str, list[str]] = {}
    for contribution in contributions:
        for operation, declared in contribution.events.items():
            events.setdefault(operation, []).extend(declared)
    cached = {op for c in contributions for op in c.cached}

    def after(operation: str) -> Statements:
        """The node's metrics counted it (named after the node); each event the
        operation declares: published once, with the answer as payload."""
        module.imports.add(TESTING, "metrics").add("..registry", "REGISTRY")
        statements: Statements = [b.assert_(b.compare(
            b.subscript(b.call("metrics", "REGISTRY"), b.string_literal(f"{spec.name}.successes")), ">=", b.literal(1.0)))]
        for event in events.get(operation, []):
            statements += [
                module.events_on(topics[event]),
                b.assert_(b.compare(
                    b.list_comp(b.tuple_(b.subscript("event", b.string_literal("event_type")),
                                         b.subscript("event", b.string_literal("payload")),
                                         b.subscript("event", b.string_literal("correlation_id"))), "event", "events"),
                    "==",
                    b.list_(b.tuple_(b.string_literal(event), b.call("answer.model_dump", mode=b.string_literal("json")),
                                     b.call("str", "request.correlation_id"))))),
            ]
        return statements

    def after_failure(operation: str) -> tuple[Statements, Statements]:
        """Around a failing call: no event the operation declares is published."""
        before: Statements = []
        checks: Statements = []
        for index, event in enumerate(events.get(operation, [])):
            seen = b.call("len", b.await_(b.call("published", "bus", b.string_literal(topics[event]))))
            before.append(b.assign(f"published_before_{index}", seen))
            checks.append(b.assert_(b.compare(seen, "==", f"published_before_{index}")))
        return before, checks

    crud = CrudTests(module, after, after_failure) if spec.database is not None else None
    http = HttpTests(module, after, after_failure)
    calling = [operation for operation in spec.effective_operations if operation.http is not None]
    triggers: set[str] = set()
    if spec.state_machine is not None:
        triggers = {op.name for op in spec.effective_operations}
        published = transition_event(spec)
        machine = ReducerTests(module, topics[published] if published is not None else None, after)
        machine.build()
        for stateful in spec.effective_operations:
            if spec.trigger(stateful.name) is None:
                machine.reads(stateful.name)
    sagas = SagaTests(module, topics, after) if spec.workflow_operations else None
    for stepped in spec.workflow_operations:
        assert sagas is not None
        sagas.build(stepped)
        triggers.add(stepped.name)
    for each in spec.effective_operations:
        if each.name in triggers:
            continue
        if crud is not None:
            crud.build(each)
        elif each.http is not None:
            http.build(each)
        elif context.kind.keeps_state:
            build_fold_tests(module, each.name, each.name in cached, after)
        else:
            build_default_tests(module, each.name, each.name in cached, after)
    for event in spec.events.subscribes if spec.events is not None else []:
        build_consumed_tests(module, event, crud, [(e, topics[e]) for e in events.get(event.operation, [])])
    if any(DISCOVERY_HANDLER in contribution.handler_exports for contribution in contributions):
        build_discovery_tests(module, context)
    if crud is not None:
        crud.refused(spec.effective_operations[0])
    if calling:
        http.refused(calling[0])
    if any(events.values()):
        module.imports.add(TESTING, "published")
    test = b.module([*module.imports.statements(), *module.body],
                    doc=f"Tests of {spec.class_name}, generated with the node by codegen-ast from its spec.")
    return {"tests/__init__.py": cst.Module(body=[]), "tests/conftest.py": _conftest(),
            f"tests/test_{spec.name}.py": test}

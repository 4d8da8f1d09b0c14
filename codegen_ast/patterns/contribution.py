"""NodeContext (what a pattern sees) and Contribution (what it gives back)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.decisions import Selection
from codegen_ast.spec import NodeSpec
from codegen_ast.target import NodeKind, Symbol, node_kind


@dataclass(frozen=True)
class ErrorMapping:
    """``except <exception> as error`` on the process path -> ModelOnexError(<code>)."""

    exception: Symbol  # module "" for builtins
    code: str  # an EnumCoreErrorCode member name


@dataclass(frozen=True)
class NodeContext:
    """Everything a pattern may read: the spec and the selector's choices."""

    spec: NodeSpec
    selection: Selection

    @property
    def base(self) -> Symbol:
        return self.selection.base

    @property
    def kind(self) -> NodeKind:
        """The node type, as an object that says what its nodes do."""
        return node_kind(self.spec.node_type)

    @property
    def input_model(self) -> str:
        return self.spec.input_model_class

    @property
    def output_model(self) -> str:
        return self.spec.output_model_class

    @property
    def metric_prefix(self) -> str:
        return self.spec.name

    @property
    def operations(self) -> list[str]:
        return [op.name for op in self.spec.effective_operations]

    @property
    def operation_protocol(self) -> str:
        """What an orchestrator needs from an operation handler (a plan and an answer)."""
        return f"Protocol{self.spec.camel}Operation"

    def handler_class(self, operation: str) -> str:
        return self.spec.handler_class(operation)


@dataclass(frozen=True)
class LifecycleStep:
    """One integration's start/stop pair, run in order by ``initialize``/``cleanup``."""

    name: str
    start: str  # method name, e.g. "_start_postgres"
    stop: str  # method name, e.g. "_stop_postgres"
    failure_code: str  # EnumCoreErrorCode member when starting fails


@dataclass
class GeneratedTests:
    """What a pattern adds to the package's ``tests/test_node.py``.

    ``support`` goes at module level before the tests (stand-ins, helpers);
    ``operations`` holds the tests of the operations the pattern carries out
    (they replace the default typed-output test); ``arrange`` holds what a
    test must do before it runs such an operation (attach a stand-in);
    ``tests`` are the pattern's own tests, after the node-wide ones.
    """

    imports: b.ImportSet = field(default_factory=b.ImportSet)
    support: list[cst.BaseStatement] = field(default_factory=list)
    operations: dict[str, list[cst.BaseStatement]] = field(default_factory=dict)
    arrange: dict[str, list[cst.BaseStatement]] = field(default_factory=dict)
    tests: list[cst.BaseStatement] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.support or self.operations or self.arrange or self.tests)


@dataclass(frozen=True)
class RunBody:
    """The declarative shape: the body of one operation handler's
    ``async def run(self, request, resources)`` (``handlers/handler_<op>.py``).

    ``imports`` are what the statements use; ``base`` is the handler base in
    ``onex_support.handlers`` (a reducer's ``TransitionHandler`` writes ``reduce``
    instead: ``method``); ``members`` are class-level statements before the method
    (``entity_key = ...``); ``doc`` is the method's docstring."""

    statements: tuple[cst.BaseStatement, ...]
    imports: frozenset[tuple[str, str]] = frozenset()
    doc: str = ""
    base: str = "OperationHandler"
    method: str = "run"
    members: tuple[cst.BaseStatement, ...] = ()


@dataclass(frozen=True)
class ResourceDecl:
    """The declarative shape: one integration of the node, ``self.<attribute>:
    <annotation> = <value>`` in its resources class (``registry/``), passed to
    ``NodeResources`` in order; ``publisher`` when it publishes the node's events
    where the runtime injects no bus."""

    attribute: str
    annotation: str
    value: cst.BaseExpression
    imports: frozenset[tuple[str, str]] = frozenset()
    publisher: bool = False
    managed: bool = True  # started, stopped and probed by NodeResources (a cache is not)


@dataclass
class Contribution:
    """Plain data a pattern adds to the package; merged by ``assemble`` and ``generate``.

    To ``node.py``: ``imports`` are ``(module, name)`` pairs (``name`` empty
    for ``import module``); ``module_statements`` go after the imports, before
    the class; ``init_statements`` run in ``__init__`` after
    ``super().__init__``; ``health_checks`` name the methods
    ``get_health_checks`` returns; ``except_handlers`` wrap the process path,
    in the order given; ``lifecycle`` steps start in order and stop in
    reverse; ``error_mappings`` add specific ``except`` clauses; ``counters``
    name per-integration metrics.

    To the rest of the package: ``handlers`` are the handler modules of the
    operations the pattern carries out (operation -> module, in
    ``handlers/handler_<operation>.py``); ``modules`` are further Python files
    (path in the package -> module); ``model_exports`` and ``handler_exports``
    are ``(relative module, class)`` pairs that ``models/__init__.py`` and
    ``handlers/__init__.py`` re-export; ``contract`` holds sections of
    ``contract.yaml``; ``texts`` are files that are not Python (a migration);
    ``tests`` is what the pattern adds to the package's tests.

    In the declarative shape (``Pattern.declarative``): ``runs`` are the bodies of
    the operation handlers the pattern carries out; ``resources`` the integrations
    the node's registry declares; ``routes`` further ``handler_routing`` entries
    (a consumed event's handler, its module and event model in ``modules``; the
    discovery handler) and ``publishes`` the further topics their handlers publish
    on; ``events`` the events an operation declares
    (operation -> event types); ``cached`` the operations answered cache-aside.
    """

    imports: set[tuple[str, str]] = field(default_factory=set)
    module_statements: list[cst.BaseStatement] = field(default_factory=list)
    init_statements: list[cst.BaseStatement] = field(default_factory=list)
    methods: list[cst.FunctionDef] = field(default_factory=list)
    health_checks: list[str] = field(default_factory=list)
    except_handlers: list[cst.ExceptHandler] = field(default_factory=list)
    lifecycle: list[LifecycleStep] = field(default_factory=list)
    error_mappings: list[ErrorMapping] = field(default_factory=list)
    counters: list[str] = field(default_factory=list)
    handlers: dict[str, cst.Module] = field(default_factory=dict)
    modules: dict[str, cst.Module] = field(default_factory=dict)
    model_exports: list[tuple[str, str]] = field(default_factory=list)
    handler_exports: list[tuple[str, str]] = field(default_factory=list)
    contract: dict[str, Any] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    tests: GeneratedTests = field(default_factory=GeneratedTests)
    runs: dict[str, RunBody] = field(default_factory=dict)
    resources: list[ResourceDecl] = field(default_factory=list)
    routes: list[dict[str, Any]] = field(default_factory=list)
    publishes: list[str] = field(default_factory=list)
    events: dict[str, list[str]] = field(default_factory=dict)
    cached: list[str] = field(default_factory=list)

    def need(self, *symbols: Symbol) -> Contribution:
        self.imports.update((symbol.module, symbol.name) for symbol in symbols)
        return self

    def __bool__(self) -> bool:
        return any(getattr(self, item.name) for item in fields(self))

    def then(self, other: Contribution) -> Contribution:
        """This contribution followed by ``other``, as one (lists keep their order)."""
        merged = Contribution()
        for item in fields(self):
            mine, theirs = getattr(self, item.name), getattr(other, item.name)
            if isinstance(mine, set):
                value: object = mine | theirs
            elif isinstance(mine, dict):
                value = {**mine, **theirs}
            elif isinstance(mine, list):
                value = [*mine, *theirs]
            else:
                value = _tests_then(mine, theirs)
            setattr(merged, item.name, value)
        return merged


def _tests_then(first: GeneratedTests, second: GeneratedTests) -> GeneratedTests:
    imports = b.ImportSet().merge(first.imports).merge(second.imports)
    return GeneratedTests(
        imports,
        [*first.support, *second.support],
        {**first.operations, **second.operations},
        {op: [*first.arrange.get(op, []), *second.arrange.get(op, [])] for op in {**first.arrange, **second.arrange}},
        [*first.tests, *second.tests],
    )

"""NodeContext (what a pattern sees) and Contribution (what it gives back)."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from codegen_ast.selection import Selection
from codegen_ast.spec import NodeSpec
from codegen_ast.target import Symbol


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
    def input_model(self) -> str:
        return f"Model{self.spec.camel}Input"

    @property
    def output_model(self) -> str:
        return f"Model{self.spec.camel}Output"

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
        return "Handler" + "".join(part.capitalize() for part in operation.split("_"))


@dataclass(frozen=True)
class LifecycleStep:
    """One integration's start/stop pair, run in order by ``initialize``/``cleanup``."""

    name: str
    start: str  # method name, e.g. "_start_postgres"
    stop: str  # method name, e.g. "_stop_postgres"
    failure_code: str  # EnumCoreErrorCode member when starting fails


@dataclass
class Contribution:
    """Plain data a pattern adds to the node module; merged by ``assemble``.

    ``imports`` are ``(module, name)`` pairs (``name`` empty for ``import
    module``); ``module_statements`` go after the imports, before the class;
    ``init_statements`` run in ``__init__`` after ``super().__init__``;
    ``health_checks`` name the methods ``get_health_checks`` returns;
    ``except_handlers`` wrap the process path, in the order given;
    ``lifecycle`` steps start in order and stop in reverse; ``error_mappings``
    add specific ``except`` clauses; ``counters`` name per-integration metrics.
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

    def need(self, *symbols: Symbol) -> Contribution:
        self.imports.update((symbol.module, symbol.name) for symbol in symbols)
        return self

"""Declarative nodes: the node class is a shell, the behaviour is elsewhere.

A node whose contract says what runs it (handler routing, or the subcontract its
base class executes) and that does not override ``process`` is declarative: the
framework's runtimes call its handlers, never a method of the node. Its class may
then hold only a docstring and ``__init__(self, container)`` calling
``super().__init__(container)`` — no other method, no property, no logic in
``__init__``, no instance or class variable — and so may every local class it
inherits from (a shell on a ``ModelService*`` wrapper, or on a base of the
project's own, is checked through its bases; the output folder's ``onex_support``,
codegen-ast's support code, is not the project's).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from codegen_ast.support import PACKAGE as SUPPORT_PACKAGE
from codegen_ast.target import BASE_CLASSES, CONTAINER, HEALTH_STATUS, MIXINS, SERVICE_WRAPPERS, Symbol
from codegen_ast.validate.completeness import decorator_name, is_docstring, is_ellipsis
from codegen_ast.validate.nodes import FunctionNode, LocalClass, NodeClass
from codegen_ast.validate.rules import Finding, Rule

_CONTRACT = """\
name: tally
contract_version: {major: 1, minor: 0, patch: 0}
node_version: {major: 1, minor: 0, patch: 0}
node_type: COMPUTE_GENERIC
description: Counts words.
input_model: node_tally_compute.models.ModelTallyInput
output_model: node_tally_compute.models.ModelTallyOutput
performance: {single_operation_max_ms: 100}
algorithm:
  algorithm_type: count
  factors:
    words: {weight: 1.0, calculation_method: count}
handler_routing:
  version: {major: 1, minor: 0, patch: 0}
  default_handler: node_tally_compute.handler:TallyOperations
"""


def _import(symbol: Symbol) -> str:
    return f"from {symbol.module} import {symbol.name}\n"


_SHELL = (
    '"""The tally node."""\n\n'
    + _import(CONTAINER)
    + _import(BASE_CLASSES["compute"])
    + '''
from .models import ModelTallyInput, ModelTallyOutput


class NodeTallyCompute(NodeCompute[ModelTallyInput, ModelTallyOutput]):
    """Counts words: all behaviour is in the contract and the handler."""

    def __init__(self, container: ModelONEXContainer) -> None:
        """Declarative."""
        super().__init__(container)
'''
)
_WRAPPED_SHELL = _SHELL.replace(_import(BASE_CLASSES["compute"]), _import(SERVICE_WRAPPERS["compute"])).replace(
    "(NodeCompute[ModelTallyInput, ModelTallyOutput])", "(ModelServiceCompute)"
)
_HANDLER = (
    '"""The entry handler (handler_routing.default_handler): the node\'s behaviour."""\n\n'
    + _import(MIXINS["MixinMetrics"])
    + _import(HEALTH_STATUS)
    + '''
from .models import ModelTallyInput, ModelTallyOutput


class TallyOperations(MixinMetrics):
    """Counts words, counted; healthy as it depends on nothing."""

    async def health_check(self) -> ModelHealthStatus:
        return ModelHealthStatus.create_healthy(score=1.0)

    async def handle(self, request: ModelTallyInput) -> ModelTallyOutput:
        self.increment_counter("tally.operations")
        return ModelTallyOutput(words=len(request.text.split()))
'''
)

NOT_A_SHELL = Rule(
    "DCL001", "structure", "error",
    "a declarative node class holds behaviour or state",
    "keep the node class a shell (a docstring and `__init__(self, container)` calling "
    "`super().__init__(container)`): behaviour goes to handlers/ (routed in contract.yaml), "
    "resources to registry/, configuration to contract.yaml",
    valid=(_SHELL, _WRAPPED_SHELL, _SHELL.replace('        """Declarative."""\n', "")),
    invalid=(
        _SHELL + "\n    def tally(self, text: str) -> int:\n        return len(text.split())\n",
        _SHELL + "\n    @property\n    def words(self) -> int:\n        return 0\n",
        _SHELL.replace('    def __init__', '    LIMIT = 10\n\n    def __init__'),
        _SHELL.replace("super().__init__(container)", "super().__init__(container)\n        self.seen = 0"),
        _SHELL.replace("super().__init__(container)", "print(container)\n        super().__init__(container)"),
        _WRAPPED_SHELL + "\n    async def health(self) -> bool:\n        return True\n",
    ),
    example_path="node_tally_compute/node.py",
    example_files=(
        ("node_tally_compute/__init__.py", ""),
        ("node_tally_compute/contract.yaml", _CONTRACT),
        ("node_tally_compute/models.py",
         "from pydantic import BaseModel\n\n\nclass ModelTallyInput(BaseModel):\n    text: str = \"\"\n\n\n"
         "class ModelTallyOutput(BaseModel):\n    words: int = 0\n"),
        ("node_tally_compute/handler.py", _HANDLER),
    ),
)
RULES = (NOT_A_SHELL,)

_PROPERTY_DECORATORS = frozenset({"property", "cached_property", "setter", "getter", "deleter"})


def shell_findings(node: NodeClass, display: Callable[[Path], str]) -> list[Finding]:
    """DCL001 for everything the node class, or a local class it inherits, holds
    beyond what a shell may. ``display`` names a file as reports show it."""
    findings: list[Finding] = []
    for owner in node.lineage.local:
        if SUPPORT_PACKAGE in owner.path.parts:
            continue  # the output folder's support package (LongLivedNode): support code, like the framework's
        where = display(owner.path)
        inherited = "" if owner is node.lineage.local[0] else f" (inherited from {owner.name})"
        for line, what, fix in _problems(owner):
            findings.append(NOT_A_SHELL.finding(where, line, f"{node.name}{inherited}: {what}", fix=fix))
    return findings


def _problems(cls: LocalClass) -> list[tuple[int, str, str | None]]:
    """(line, what, fix) for each statement of the class body a shell may not have."""
    problems: list[tuple[int, str, str | None]] = []
    for statement in cls.node.body:
        if is_docstring(statement) or isinstance(statement, ast.Pass) or is_ellipsis(statement):
            continue
        if isinstance(statement, ast.AnnAssign) and statement.value is None:
            continue  # an annotation alone stores nothing
        if isinstance(statement, FunctionNode):
            problems += _function_problems(statement)
        elif isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            names = ", ".join(ast.unparse(target) for target in targets)
            problems.append((statement.lineno, f"class variable {names}",
                             "declare configuration in contract.yaml; a declarative node class holds no data"))
        elif isinstance(statement, ast.ClassDef):
            problems.append((statement.lineno, f"nested class {statement.name}",
                             "move the class into its own module (a model under models/, a handler under handlers/)"))
        else:
            problems.append((statement.lineno, "logic in the class body",
                             "a declarative node class body is a docstring and __init__"))
    return problems


def _function_problems(function: FunctionNode) -> list[tuple[int, str, str | None]]:
    if any(decorator_name(decorator) in _PROPERTY_DECORATORS for decorator in function.decorator_list):
        return [(function.lineno, f"property {function.name}",
                 "keep state in a model or in a handler's resources (registry/), not on the node")]
    if function.name != "__init__" or isinstance(function, ast.AsyncFunctionDef):
        return [(function.lineno, f"custom method {function.name}()",
                 f"move {function.name}() into a handler under handlers/ and route to it in contract.yaml's "
                 "handler_routing; runtimes call handlers, not node methods")]
    stored = _instance_variables(function)
    problems: list[tuple[int, str, str | None]] = [
        (line, f"__init__ sets instance variable self.{name}",
         "keep state out of the node: resources belong to registry/, configuration to contract.yaml")
        for line, name in stored
    ]
    if not _only_calls_super(function, {line for line, _ in stored}):
        problems.append((function.lineno, "__init__ does more than super().__init__(container)",
                         "reduce __init__ to `def __init__(self, container)` calling `super().__init__(container)`"))
    return problems


def _only_calls_super(function: ast.FunctionDef, reported: set[int]) -> bool:
    """``def __init__(self, container[: T]) -> None`` whose body is ``super().__init__(container)``
    (statements on ``reported`` lines, the instance variables, are already told apart)."""
    arguments = function.args
    names = [argument.arg for argument in (*arguments.posonlyargs, *arguments.args)]
    if names != ["self", "container"] or arguments.vararg or arguments.kwarg or arguments.kwonlyargs:
        return False
    body = [statement for statement in function.body
            if not (is_docstring(statement) or isinstance(statement, ast.Pass) or statement.lineno in reported)]
    if len(body) != 1 or not isinstance(body[0], ast.Expr) or not isinstance(body[0].value, ast.Call):
        return False
    call = body[0].value
    target = call.func
    return (
        isinstance(target, ast.Attribute) and target.attr == "__init__"
        and isinstance(target.value, ast.Call) and isinstance(target.value.func, ast.Name)
        and target.value.func.id == "super" and not target.value.args and not target.value.keywords
        and len(call.args) == 1 and not call.keywords
        and isinstance(call.args[0], ast.Name) and call.args[0].id == "container"
    )


def _instance_variables(function: ast.FunctionDef) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def collect(target: ast.expr, line: int) -> None:
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
            found.append((line, target.attr))
        elif isinstance(target, ast.Tuple | ast.List | ast.Starred):
            for item in target.elts if isinstance(target, ast.Tuple | ast.List) else [target.value]:
                collect(item, line)

    for item in ast.walk(function):
        if isinstance(item, ast.Assign):
            for target in item.targets:
                collect(target, item.lineno)
        elif isinstance(item, ast.AnnAssign | ast.AugAssign):
            collect(item.target, item.lineno)
        elif isinstance(item, ast.Call) and isinstance(item.func, ast.Name) and item.func.id == "setattr" \
                and item.args and isinstance(item.args[0], ast.Name) and item.args[0].id == "self":
            name = item.args[1].value if len(item.args) > 1 and isinstance(item.args[1], ast.Constant) else "?"
            found.append((item.lineno, str(name)))
    return found

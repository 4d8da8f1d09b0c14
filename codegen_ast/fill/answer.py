"""A model's answer -> the statements of a method body, checked structurally.

A model's answer is code, not spec text: it is the one outside input this
package parses (with LibCST), and only to get a syntax tree that is then
checked and spliced, never pasted as text. The answer must be a function body:
statements only. Refused, with the reason: anything that does not parse; a
whole ``def`` (a body was asked for); a class; ``global`` / ``nonlocal``; a
``yield`` (it would turn the handler into a generator); imports other than
absolute standard-library ones; calls that run or load code, read the console
or stop the process (``eval``, ``exec``, ``compile``, ``__import__``,
``breakpoint``, ``input``, ``exit``, ``quit``); a placeholder body (only
``pass`` / ``...``); an answer longer than :data:`MAX_LINES`.
What a structural check cannot see (types, behaviour) is left to the whole
validation and the package's tests, which the body must pass too.
"""

from __future__ import annotations

import re
import sys
import textwrap
from dataclasses import dataclass

import libcst as cst
from libcst.helpers import get_full_name_for_node

MAX_LINES = 300
FORBIDDEN_CALLS = frozenset({"eval", "exec", "compile", "__import__", "breakpoint", "input", "exit", "quit", "globals", "locals"})
_FENCE = re.compile(r"```[ \t]*(?:python|py|python3)?[ \t]*\n(?P<code>.*?)```", re.DOTALL | re.IGNORECASE)


class AnswerRefused(Exception):
    """The answer cannot be a method body; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Body:
    """The checked statements, and the free names they use (to import what the module lacks)."""

    statements: tuple[cst.BaseStatement, ...]
    free_names: frozenset[str]
    lines: int


def code_of(answer: str) -> str:
    """The code in an answer: the first fenced block when there is one, dedented."""
    match = _FENCE.search(answer)
    code = match.group("code") if match else answer
    return textwrap.dedent(code).strip("\n") + "\n"


def parse_body(answer: str) -> Body:
    code = code_of(answer)
    lines = len([line for line in code.splitlines() if line.strip()])
    if lines == 0:
        raise AnswerRefused("the answer is empty")
    if lines > MAX_LINES:
        raise AnswerRefused(f"the answer has {lines} lines; a handler body of at most {MAX_LINES} was asked for")
    try:
        module = cst.parse_module(code)
    except cst.ParserSyntaxError as error:
        raise AnswerRefused(f"not Python: line {error.raw_line}: {error.message}") from None
    statements = list(module.body)
    if len(statements) == 1 and isinstance(statements[0], cst.FunctionDef):
        raise AnswerRefused(
            f"the answer defines a whole function ({statements[0].name.value}); only the body's statements were asked for"
        )
    if statements and _is_docstring(statements[0]):
        statements = statements[1:]  # the splice writes its own docstring
    if not statements or all(_is_placeholder(statement) for statement in statements):
        raise AnswerRefused("the answer is a placeholder (only pass / ...), not a body")
    checker = _BodyChecker()
    cst.Module(body=statements).visit(checker)
    if checker.problems:
        raise AnswerRefused("; ".join(dict.fromkeys(checker.problems)))
    if statements[0].leading_lines:  # no blank line between the docstring and the code
        statements[0] = statements[0].with_changes(leading_lines=())
    return Body(tuple(statements), frozenset(checker.used - checker.bound), lines)


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )


def _is_placeholder(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return all(
        isinstance(small, cst.Pass) or (isinstance(small, cst.Expr) and isinstance(small.value, cst.Ellipsis))
        for small in statement.body
    )


class _BodyChecker(cst.CSTVisitor):
    """Collects what a body may not contain, the names it binds and the names it reads."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.used: set[str] = set()
        self.bound: set[str] = set()
        self._function_depth = 0

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.problems.append(f"defines a class ({node.name.value}); a handler body holds statements only")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.bound.add(node.name.value)
        self._function_depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._function_depth -= 1

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._function_depth += 1

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._function_depth -= 1

    def visit_Param(self, node: cst.Param) -> None:
        self.bound.add(node.name.value)

    def visit_Global(self, node: cst.Global) -> None:
        self.problems.append("uses global: a handler body keeps to its own names")

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.problems.append("uses nonlocal: a handler body keeps to its own names")

    def visit_Yield(self, node: cst.Yield) -> None:
        if self._function_depth == 0:
            self.problems.append("yields: that would make the handler a generator, not a function returning the output")

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self._check_import(get_full_name_for_node(alias.name) or "")
            bound = alias.asname.name if alias.asname else alias.name
            self.bound.add((get_full_name_for_node(bound) or "").split(".")[0])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative:
            self.problems.append("imports a relative module: only the standard library may be imported")
            return
        module = get_full_name_for_node(node.module) if node.module else ""
        self._check_import(module or "")
        if isinstance(node.names, cst.ImportStar):
            self.problems.append(f"imports * from {module}: name what is used")
            return
        for alias in node.names:
            bound = alias.asname.name if alias.asname else alias.name
            self.bound.add(get_full_name_for_node(bound) or "")

    def _check_import(self, module: str) -> None:
        top = module.split(".")[0]
        if top == "__future__" or top not in sys.stdlib_module_names:
            self.problems.append(f"imports {module}: only the standard library may be imported in a handler body")

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value in FORBIDDEN_CALLS:
            self.problems.append(f"calls {node.func.value}(): not allowed in generated code")

    def visit_Name(self, node: cst.Name) -> None:
        self.used.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # ``request.order_id`` reads ``request``, not a name ``order_id``
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # a keyword is not a name read
        return False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._bind(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._bind(node.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target)

    def _bind(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.bound.add(target.value)
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self._bind(element.value)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value)

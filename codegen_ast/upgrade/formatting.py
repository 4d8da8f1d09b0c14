"""Black for the inserted code only: the user's own code is never reformatted.

Each inserted statement or method is rendered on its own, formatted by black in
the context it will live in (module level, class body, ``__init__`` body) and
parsed back. libcst keeps indentation relative, so the formatted nodes take the
indentation and line endings of the file they are inserted into. Results are
cached by source text: most inserted methods are the same in every node of a
repository (``_emit_log``, ``_record_operation``...), so a run formats each
distinct snippet once.
"""

from __future__ import annotations

import ast
import time
from dataclasses import dataclass, field
from functools import lru_cache

import libcst as cst

from codegen_ast.emit import format_source

_EMPTY = cst.Module(body=[])


@dataclass
class PhaseTimer:
    """Seconds spent per phase of one upgrade: parse, transform, format, verify."""

    seconds: dict[str, float] = field(
        default_factory=lambda: {"parse": 0.0, "transform": 0.0, "format": 0.0, "verify": 0.0}
    )

    def add(self, phase: str, started: float) -> None:
        self.seconds[phase] += time.perf_counter() - started


def code_of(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


@dataclass(frozen=True)
class _Formatted:
    statements: tuple[cst.BaseStatement, ...]
    names: frozenset[str]  # the names the code reads (for the imports it needs)
    runtime: frozenset[str]  # those it reads outside annotations


@lru_cache(maxsize=4096)
def _formatted_module(code: str) -> _Formatted:
    text = format_source(code)
    module = cst.parse_module(text)
    body = list(module.body)
    if module.header and body:  # libcst files a first statement's comments under the module
        body[0] = body[0].with_changes(leading_lines=[*module.header, *body[0].leading_lines])
    return _Formatted(tuple(body), names_in(text), runtime_names_in(text))


def names_in(code: str) -> frozenset[str]:
    """Every name ``code`` reads (``a`` of ``a.b.c``), by Python's own parser."""
    return frozenset(node.id for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Name))


def runtime_names_in(code: str) -> frozenset[str]:
    """The names ``code`` reads outside annotations (which ``from __future__ import
    annotations`` never evaluates)."""
    annotations: set[int] = set()
    tree = ast.parse(code)
    for node in ast.walk(tree):
        parts: list[ast.expr | None] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = node.args
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg]
            parts = [node.returns, *(argument.annotation for argument in every if argument is not None)]
        elif isinstance(node, ast.AnnAssign):
            parts = [node.annotation]
        for part in parts:
            if part is not None:
                annotations |= {id(inner) for inner in ast.walk(part)}
    return frozenset(node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in annotations)


def _indented(code: str, depth: int) -> str:
    return "".join("    " * depth + line if line.strip() else line for line in code.splitlines(keepends=True))


@dataclass
class Formatter:
    """Formats inserted nodes with black and remembers the names they read."""

    timer: PhaseTimer
    names: set[str] = field(default_factory=set)
    runtime: set[str] = field(default_factory=set)

    def _format(self, code: str) -> tuple[cst.BaseStatement, ...]:
        started = time.perf_counter()
        formatted = _formatted_module(code)
        self.names |= formatted.names
        self.runtime |= formatted.runtime
        self.timer.add("format", started)
        return formatted.statements

    def module_statement(self, statement: cst.BaseStatement) -> cst.BaseStatement:
        (formatted,) = self._format(code_of(statement))
        return formatted

    def method(self, method: cst.FunctionDef) -> cst.FunctionDef:
        (snippet,) = self._format("class _Snippet:\n" + _indented(code_of(method), 1))
        assert isinstance(snippet, cst.ClassDef) and isinstance(snippet.body, cst.IndentedBlock)
        formatted = snippet.body.body[0]
        assert isinstance(formatted, cst.FunctionDef)
        return formatted

    def body_statement(self, statement: cst.BaseStatement) -> cst.BaseStatement:
        """A statement of a method body (formatted at the depth of a method's body)."""
        (snippet,) = self._format("class _Snippet:\n    def _snippet(self):\n" + _indented(code_of(statement), 2))
        assert isinstance(snippet, cst.ClassDef) and isinstance(snippet.body, cst.IndentedBlock)
        method = snippet.body.body[0]
        assert isinstance(method, cst.FunctionDef) and isinstance(method.body, cst.IndentedBlock)
        return method.body.body[0]

    def expression(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """An inserted expression left as libcst renders it (a base, a list element)."""
        self.names |= names_in(code_of(node))
        self.runtime |= names_in(code_of(node))
        return node

"""Stage 5, completeness: what is still left for a person to write.

Findings: TODO/FIXME/XXX markers in comments and docstrings, functions whose body
is a placeholder (``pass`` or ``...``), and ``raise NotImplementedError``.
Abstract methods, ``@overload`` stubs and Protocol members are exempt: there an
empty body is the point.

The manual-completion figure (see docs/validation.md) is the share of
operation-handler lines still to write. Operation handlers are the classes of
``handler_*.py`` / ``handler.py`` modules, counted by the method that holds the
operation: their own ``run`` / ``reduce`` / ``fold`` (the declarative shape: the base class
does the rest), else ``handle`` / ``execute`` / ``run_full_cycle`` (what the
framework's runtime calls); a handler that only declares its saga ``stages`` is
declared, not written by hand. A node package without any handler uses its node
class's entry method (``process``, ``execute_effect``, ...) instead. A handler
body is still to write when it holds a completeness finding, or when its
docstring starts with ``Generated default:`` (codegen-ast's marker) and the body
is still the generated default: a single ``return Output(...)`` of values echoed
from ``request`` or empty literals.

A written body is counted by author: ``model`` when its docstring starts with
``Written by a model`` (an accepted ``--fill llm`` answer), ``declarations`` when
its file is still what codegen-ast generated (the hash in the package's
manifest), ``hand`` otherwise.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

from codegen_ast.validate.nodes import ENTRY_METHODS, ClassResolver, find_node_classes
from codegen_ast.validate.report import Author, HandlerFigure, ManualCompletion
from codegen_ast.validate.rules import Finding, Rule
from codegen_ast.validate.source import SourceFile, Workspace

GENERATED_DEFAULT_MARKER = "Generated default:"
# the method holding a handler's operation, first found wins: the declarative shape's
# run/reduce/fold, then what RuntimeLocal._resolve_handler_method calls
OPERATION_METHODS = ("run", "reduce", "fold", "handle", "execute", "run_full_cycle")
DECLARED_STAGES = "stages"  # a saga handler's steps, declared as data
# what `codegen-ast new --fill llm` writes at the start of a body a model wrote
MODEL_WRITTEN_MARKER = "Written by a model"
MANIFEST = "codegen-manifest.json"  # the manifest a generated package carries (codegen_ast.manifest)

TODO_MARKER = Rule(
    "CMP001", "completeness", "warning",
    "TODO/FIXME/XXX marker: work left undone",
    "do the work the marker describes, or move it to the issue tracker and delete the marker",
    valid=("def total(prices: list[float]) -> float:\n    \"\"\"Sum of the prices.\"\"\"\n    return sum(prices)\n",),
    invalid=("def total(prices: list[float]) -> float:\n    # TODO: apply discounts\n    return sum(prices)\n",
             "def total(prices: list[float]) -> float:\n    \"\"\"Sum.\n\n    FIXME: rounding.\n    \"\"\"\n"
             "    return sum(prices)\n"),
)
PLACEHOLDER_PASS = Rule(
    "CMP002", "completeness", "warning",
    "function body is only `pass`: a placeholder",
    "write the body, or delete the function if nothing should happen",
    valid=("from abc import ABC, abstractmethod\n\nclass Store(ABC):\n    @abstractmethod\n"
           "    def save(self) -> None:\n        pass\n",),
    invalid=("def save(record: dict[str, str]) -> None:\n    pass\n",),
)
NOT_IMPLEMENTED = Rule(
    "CMP003", "completeness", "error",
    "raises NotImplementedError: the code fails when it runs",
    "implement the method; if the subclass must, make it an @abstractmethod instead",
    valid=("from abc import ABC, abstractmethod\n\nclass Store(ABC):\n    @abstractmethod\n"
           "    def save(self) -> None:\n        raise NotImplementedError\n",),
    invalid=("def save(record: dict[str, str]) -> None:\n    raise NotImplementedError(\"save\")\n",),
)
ELLIPSIS_BODY = Rule(
    "CMP004", "completeness", "warning",
    "function body is only `...`: a placeholder",
    "write the body (an `...` body is for @overload, @abstractmethod and Protocol members)",
    valid=("from typing import Protocol\n\nclass Store(Protocol):\n    def save(self) -> None: ...\n",
           "from typing import overload\n\n@overload\ndef get(key: int) -> int: ...\n"
           "@overload\ndef get(key: str) -> str: ...\ndef get(key: int | str) -> int | str:\n    return key\n"),
    invalid=("def save(record: dict[str, str]) -> None:\n    ...\n",),
)
RULES = (TODO_MARKER, PLACEHOLDER_PASS, NOT_IMPLEMENTED, ELLIPSIS_BODY)

_MARKER = re.compile(r"\b(TODO|FIXME|XXX)\b")
_EXEMPT_DECORATORS = frozenset({"abstractmethod", "overload", "abstractproperty"})
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def check_completeness(workspace: Workspace) -> list[Finding]:
    findings: list[Finding] = []
    for source in workspace.sources:
        findings += check_source(source)
    return findings


def check_source(source: SourceFile) -> list[Finding]:
    if source.tree is None:
        return []
    findings = [TODO_MARKER.finding(source.display, line, f"{word} marker: {text}")
                for line, word, text in _markers(source)]
    for function, exempt in _functions(source.tree, source.path.suffix == ".pyi"):
        body = _without_docstring(function.body)
        if not exempt and len(body) == 1 and isinstance(body[0], ast.Pass):
            findings.append(PLACEHOLDER_PASS.finding(
                source.display, body[0].lineno, f"{function.name}() is only `pass`"))
        if not exempt and len(body) == 1 and is_ellipsis(body[0]):
            findings.append(ELLIPSIS_BODY.finding(
                source.display, body[0].lineno, f"{function.name}() is only `...`"))
        if exempt:
            continue
        for node in _own_nodes(function):
            if isinstance(node, ast.Raise) and _is_not_implemented(node.exc):
                findings.append(NOT_IMPLEMENTED.finding(
                    source.display, node.lineno, f"{function.name}() raises NotImplementedError",
                    column=node.col_offset + 1))
    return findings


# --- findings helpers ----------------------------------------------------------------
def _markers(source: SourceFile) -> list[tuple[int, str, str]]:
    """(line, marker, text) for TODO-like words in comments and docstrings, one per line."""
    docstrings = _docstring_positions(source.tree) if source.tree else set()
    found: dict[int, tuple[str, str]] = {}
    for token in source.tokens:
        if token.type == tokenize.COMMENT:
            chunks = [(token.start[0], token.string)]
        elif token.type == tokenize.STRING and token.start in docstrings:
            chunks = [(token.start[0] + offset, text) for offset, text in enumerate(token.string.splitlines())]
        else:
            continue
        for line, text in chunks:
            match = _MARKER.search(text)
            if match and line not in found:
                found[line] = (match.group(1), text.strip().strip("#").strip().strip('"').strip("'").strip())
    return [(line, word, text) for line, (word, text) in sorted(found.items())]


def _docstring_positions(tree: ast.Module) -> set[tuple[int, int]]:
    positions: set[tuple[int, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                positions.add((first.value.lineno, first.value.col_offset))
    return positions


def decorator_name(decorator: ast.expr) -> str | None:
    """``@name`` / ``@module.name`` / ``@name(...)`` -> ``name``."""
    if isinstance(decorator, ast.Call):
        decorator = decorator.func
    if isinstance(decorator, ast.Attribute):
        return decorator.attr
    return decorator.id if isinstance(decorator, ast.Name) else None


def _is_protocol(node: ast.ClassDef) -> bool:
    return any(
        (base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", None)) == "Protocol"
        or (isinstance(base, ast.Subscript) and getattr(base.value, "id", None) == "Protocol")
        for base in node.bases
    )


def _functions(tree: ast.Module, stub_file: bool) -> list[tuple[FunctionNode, bool]]:
    """Every function with whether an empty body is legitimate there."""
    found: list[tuple[FunctionNode, bool]] = []

    def visit(node: ast.AST, in_protocol: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, _is_protocol(child))
            elif isinstance(child, FunctionNode):
                exempt = stub_file or in_protocol or any(
                    decorator_name(d) in _EXEMPT_DECORATORS for d in child.decorator_list
                )
                found.append((child, exempt))
                visit(child, False)
            else:
                visit(child, in_protocol)

    visit(tree, False)
    return found


def is_docstring(statement: ast.stmt) -> bool:
    """A bare string statement (a docstring where it comes first)."""
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and isinstance(statement.value.value, str)


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    return body[1:] if body and is_docstring(body[0]) else body


def is_ellipsis(statement: ast.stmt) -> bool:
    """A bare ``...`` statement."""
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and statement.value.value is Ellipsis


def _is_not_implemented(exception: ast.expr | None) -> bool:
    if isinstance(exception, ast.Call):
        exception = exception.func
    return isinstance(exception, ast.Name) and exception.id == "NotImplementedError"


def _own_nodes(function: FunctionNode) -> list[ast.AST]:
    nodes: list[ast.AST] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, FunctionNode | ast.ClassDef | ast.Lambda):
                continue
            nodes.append(child)
            visit(child)

    visit(function)
    return nodes


# --- the manual-completion figure ------------------------------------------------------
@dataclass(frozen=True)
class _Handler:
    source: SourceFile
    owner: str
    member: FunctionNode | ast.Assign | ast.AnnAssign  # the operation's method, or its declared stages

    @property
    def name(self) -> str:
        member = self.member
        return member.name if isinstance(member, FunctionNode) else DECLARED_STAGES


def manual_completion(workspace: Workspace, findings: list[Finding], resolver: ClassResolver) -> ManualCompletion:
    handlers = _handler_methods(workspace)
    covered = {handler.source.path.parent for handler in handlers}
    for node in find_node_classes(workspace, resolver):
        if any(folder == node.package_dir or folder.is_relative_to(node.package_dir) for folder in covered):
            continue
        for statement in node.node.body:
            if isinstance(statement, FunctionNode) and statement.name in ENTRY_METHODS:
                handlers.append(_Handler(node.source, node.name, statement))
    figure = ManualCompletion()
    manifests: dict[Path, dict[str, str] | None] = {}
    for handler in sorted(handlers, key=lambda h: (h.source.display, h.member.lineno)):
        lines = _body_lines(handler.source, handler.member)
        reason = _unfinished(handler, findings)
        figure.handlers.append(
            HandlerFigure(
                file=handler.source.display,
                line=handler.member.lineno,
                name=f"{handler.owner}.{handler.name}",
                lines=lines,
                to_write=reason is not None,
                reason=reason or ("declared" if handler.name == DECLARED_STAGES else "written"),
                written_by=None if reason is not None else _author(handler, manifests),
            )
        )
    return figure


def _author(handler: _Handler, manifests: dict[Path, dict[str, str] | None]) -> Author:
    member = handler.member
    if isinstance(member, FunctionNode) and (ast.get_docstring(member) or "").startswith(MODEL_WRITTEN_MARKER):
        return "model"
    path = handler.source.path
    for folder in path.parents[:3]:
        if folder not in manifests:
            manifests[folder] = _manifest_hashes(folder / MANIFEST)
        hashes = manifests[folder]
        if hashes is not None:
            relative = path.relative_to(folder).as_posix()
            generated = hashes.get(relative) == hashlib.sha256(handler.source.text.encode("utf-8")).hexdigest()
            return "declarations" if generated else "hand"
    return "hand"


def _manifest_hashes(path: Path) -> dict[str, str] | None:
    """The file hashes a codegen-ast manifest recorded, or None when there is no readable one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else None


def _handler_methods(workspace: Workspace) -> list[_Handler]:
    found: list[_Handler] = []
    for source in workspace.sources:
        stem = source.path.stem
        if source.tree is None or source.is_test or not (stem == "handler" or stem.startswith("handler_")):
            continue
        for statement in source.tree.body:
            if isinstance(statement, ast.ClassDef):
                member = _operation(statement)
                if member is not None:
                    found.append(_Handler(source, statement.name, member))
    return found


def _operation(cls: ast.ClassDef) -> FunctionNode | ast.Assign | ast.AnnAssign | None:
    """The member of a handler class that holds its operation, if it has one of its own: the
    method marked as the generated default or a model's (a declarative cached operation's
    ``compute``, beside the ``run`` that asks the cache), else the first operation method."""
    methods = {item.name: item for item in cls.body if isinstance(item, FunctionNode)
               and not any(decorator_name(d) in _EXEMPT_DECORATORS for d in item.decorator_list)}
    for method in methods.values():
        if (ast.get_docstring(method) or "").startswith((GENERATED_DEFAULT_MARKER, MODEL_WRITTEN_MARKER)):
            return method
    for name in OPERATION_METHODS:
        if name in methods:
            return methods[name]
    for item in cls.body:
        if isinstance(item, ast.Assign) and any(_named(target, DECLARED_STAGES) for target in item.targets):
            return item
        if isinstance(item, ast.AnnAssign) and item.value is not None and _named(item.target, DECLARED_STAGES):
            return item
    return None


def _named(target: ast.expr, name: str) -> bool:
    return isinstance(target, ast.Name) and target.id == name


def _body_lines(source: SourceFile, member: FunctionNode | ast.Assign | ast.AnnAssign) -> int:
    """Code lines of a method's body after the docstring (of a declaration: all of it),
    without blank or comment-only lines; at least 1."""
    body: list[ast.stmt] = _without_docstring(member.body) if isinstance(member, FunctionNode) else [member]
    if not body:
        return 1
    first, last = body[0].lineno, max(getattr(body[-1], "end_lineno", None) or body[-1].lineno, body[0].lineno)
    count = 0
    for text in source.lines[first - 1 : last]:
        stripped = text.strip()
        if stripped and not stripped.startswith("#"):
            count += 1
    return max(count, 1)


def _unfinished(handler: _Handler, findings: list[Finding]) -> str | None:
    """Why the handler's body is still to write, or None when it is written (or declared)."""
    member = handler.member
    end = getattr(member, "end_lineno", None) or member.lineno
    for finding in findings:
        if finding.stage == "completeness" and finding.file == handler.source.display \
                and member.lineno <= finding.line <= end:
            return f"{finding.rule}: {finding.message}"
    if not isinstance(member, FunctionNode):
        return None
    docstring = ast.get_docstring(member) or ""
    if docstring.startswith(GENERATED_DEFAULT_MARKER) and _is_generated_default(member):
        return "generated default (codegen-ast)"
    return None


def _is_generated_default(function: FunctionNode) -> bool:
    body = _without_docstring(function.body)
    if len(body) != 1 or not isinstance(body[0], ast.Return) or not isinstance(body[0].value, ast.Call):
        return False
    call = body[0].value
    return all(_echo_or_empty(keyword.value) for keyword in call.keywords) and all(
        _echo_or_empty(argument) for argument in call.args
    )


def _echo_or_empty(value: ast.expr) -> bool:
    if isinstance(value, ast.Attribute):  # request.order_id, datetime.min
        return isinstance(value.value, ast.Name)
    if isinstance(value, ast.Constant | ast.Name):
        return True
    if isinstance(value, ast.List | ast.Tuple | ast.Set):
        return not value.elts
    if isinstance(value, ast.Dict):
        return not value.keys
    if isinstance(value, ast.Call):  # UUID(int=0), Decimal("0")
        return all(isinstance(a, ast.Constant) for a in value.args) and all(
            isinstance(k.value, ast.Constant) for k in value.keywords
        )
    return False

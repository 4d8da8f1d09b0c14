"""The names a module binds, and the imports an upgrade must add to it.

An import is missing when the name it would bind is not bound at module level
already (``from m import n``), or when the exact dotted module is not imported
(``import m.sub``). New imports go right after the module's last top-level
import, grouped and sorted the way generated code is; existing import lines are
never touched (a name missing from ``from typing import Any`` becomes its own
``from typing import cast`` line).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

import libcst as cst

from codegen_ast.builders import ImportSet
from codegen_ast.builders.imports import import_group
from codegen_ast.target import UNTYPED_MODULES
from codegen_ast.upgrade.formatting import code_of


def _top_level(body: Iterable[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """Module-level statements, looking into ``try`` / ``if`` blocks (but not
    ``if TYPE_CHECKING:``, whose names do not exist at run time)."""
    for statement in body:
        yield statement
        if isinstance(statement, cst.Try):
            yield from _top_level(_block(statement.body))
            for handler in statement.handlers:
                yield from _top_level(_block(handler.body))
        elif isinstance(statement, cst.If) and code_of(statement.test).strip() not in (
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        ):
            yield from _top_level(_block(statement.body))


def _block(suite: cst.BaseSuite) -> list[cst.BaseStatement]:
    return list(suite.body) if isinstance(suite, cst.IndentedBlock) else []


def _small(statement: cst.CSTNode) -> list[cst.BaseSmallStatement]:
    return list(statement.body) if isinstance(statement, cst.SimpleStatementLine) else []


@lru_cache(maxsize=16)  # libcst nodes hash by identity: one entry per module object
def bindings(module: cst.Module) -> dict[str, str]:
    """Every name bound at module level -> what it is bound to: ``"module:m"``
    for ``import m`` / ``import m.sub`` (the name ``m``), ``"module:m.sub"`` for
    ``import m.sub as x``, ``"from:m.n"`` for ``from m import n``, ``"code"``
    for definitions and assignments."""
    names: dict[str, str] = {}
    for statement in _top_level(module.body):
        if isinstance(statement, (cst.ClassDef, cst.FunctionDef)):
            names[statement.name.value] = "code"
        for small in _small(statement):
            if isinstance(small, cst.Assign):
                names |= {t.target.value: "code" for t in small.targets if isinstance(t.target, cst.Name)}
            elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                names[small.target.value] = "code"
            elif isinstance(small, cst.Import):
                for alias in small.names:
                    dotted = code_of(alias.name)
                    alias_name = _alias_name(alias)
                    if alias_name is None:
                        names[dotted.split(".")[0]] = "module:" + dotted.split(".")[0]
                    else:
                        names[alias_name] = "module:" + dotted
            elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                origin = "." * len(small.relative) + (code_of(small.module) if small.module else "")
                for alias in small.names:
                    names[_alias_name(alias) or code_of(alias.name)] = f"from:{origin}.{code_of(alias.name)}"
    return names


def bound_names(module: cst.Module) -> set[str]:
    """Every name bound at module level: definitions, assignments, imports."""
    return set(bindings(module))


def conflicting_imports(module: cst.Module, wanted: Iterable[tuple[str, str]]) -> list[str]:
    """Plain ``import m.sub`` requests whose name ``m`` the module binds to
    something else (e.g. ``import redis.asyncio as redis``): adding them would
    change what the user's code refers to."""
    bound = bindings(module)
    conflicts: list[str] = []
    for module_name, item in sorted(set(wanted)):
        root = module_name.split(".")[0]
        if not item and root in bound and bound[root] != f"module:{root}":
            conflicts.append(f"`import {module_name}` would rebind {root!r}, which this module binds otherwise")
    return conflicts


def _alias_name(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None


def imported_modules(module: cst.Module) -> set[str]:
    """Dotted modules imported with a plain ``import m.sub`` (no alias)."""
    found: set[str] = set()
    for statement in _top_level(module.body):
        for small in _small(statement):
            if isinstance(small, cst.Import):
                found |= {code_of(alias.name) for alias in small.names if alias.asname is None}
    return found


def missing_imports(module: cst.Module, wanted: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    bound = bound_names(module)
    plain = imported_modules(module)
    missing = []
    for module_name, item in sorted(set(wanted)):
        if (item and item not in bound) or (not item and module_name not in plain):
            missing.append((module_name, item))
    return missing


def import_statements(requests: Iterable[tuple[str, str]]) -> list[cst.SimpleStatementLine]:
    imports = ImportSet()
    for module_name, item in requests:
        if item:
            imports.add(module_name, item)
        else:
            imports.add(module_name)
    return imports.statements(UNTYPED_MODULES)


def _statement_group(statement: cst.CSTNode) -> int | None:
    """The import group of a top-level import line (None for anything else)."""
    small = _small(statement)
    if len(small) != 1:
        return None
    if isinstance(small[0], cst.Import):
        return import_group(code_of(small[0].names[0].name))
    if isinstance(small[0], cst.ImportFrom):
        dots = "." * len(small[0].relative)
        return import_group(dots + (code_of(small[0].module) if small[0].module else ""))
    return None


def add_imports(module: cst.Module, requests: Iterable[tuple[str, str]]) -> cst.Module:
    """``module`` with ``requests`` imported: each group (standard library, third
    party, local) after the module's last import of that group, or where the group
    belongs when the module has none of it."""
    leading: list[tuple[int, int]] = []  # (index, group) of the leading import lines
    for index, statement in enumerate(module.body):
        if isinstance(statement, (cst.ClassDef, cst.FunctionDef)):
            break
        group = _statement_group(statement)
        if group is not None:
            leading.append((index, group))
    by_group: dict[int, list[tuple[str, str]]] = {}
    for request in requests:
        by_group.setdefault(import_group(request[0]), []).append(request)
    insertions: list[tuple[int, int, list[cst.SimpleStatementLine]]] = []
    body = list(module.body)
    for group, items in sorted(by_group.items()):
        lines = import_statements(items)
        same = [index for index, found in leading if found == group]
        later = [index for index, found in leading if found > group]
        if same:
            position, gap = same[-1] + 1, 0
        else:  # a block of its own: before the groups that follow it, or after every import
            position = later[0] if later else (leading[-1][0] + 1 if leading else import_position(module))
            gap = 1 if position else 0
            if later and not _blank_above(body[position]):  # keep the groups apart
                body[position] = body[position].with_changes(
                    leading_lines=[cst.EmptyLine(indent=False), *body[position].leading_lines]
                )
        lines[0] = lines[0].with_changes(leading_lines=[cst.EmptyLine(indent=False) for _ in range(gap)])
        insertions.append((position, group, lines))
    # bottom-up; at one position the later group first, so that the earlier one ends up above it
    for position, _, lines in sorted(insertions, key=lambda insertion: insertion[:2], reverse=True):
        body[position:position] = lines
    return module.with_changes(body=body)


def _blank_above(statement: cst.BaseStatement) -> bool:
    lines: Sequence[cst.EmptyLine] = getattr(statement, "leading_lines", ())
    return bool(lines) and lines[0].comment is None


def import_position(module: cst.Module) -> int:
    """Where imports go in a module that has none at the top: after its docstring."""
    return 1 if module.body and _is_docstring(module.body[0]) else 0


def _is_docstring(statement: cst.BaseStatement) -> bool:
    small = _small(statement)
    return len(small) == 1 and isinstance(small[0], cst.Expr) and isinstance(small[0].value, cst.SimpleString)

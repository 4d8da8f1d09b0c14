"""The names a module binds, and the imports an upgrade must add to it.

An import is missing when the name it would bind is not bound at module level
already (``from m import n``), or when the exact dotted module is not imported
(``import m.sub``). Where new imports go: :mod:`codegen_ast.upgrade.import_block`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import libcst as cst

from codegen_ast.upgrade.defined import defined_names
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
        names |= dict.fromkeys(defined_names(statement), "code")
        for small in _small(statement):
            if isinstance(small, cst.Import):
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


def typing_only_names(module: cst.Module) -> set[str]:
    """Names imported only under ``if TYPE_CHECKING:`` at module level."""
    found: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.If) and code_of(statement.test).strip() in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            for inner in _block(statement.body):
                for small in _small(inner):
                    if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                        found |= {_alias_name(alias) or code_of(alias.name) for alias in small.names}
    return found - bound_names(module)


def postponed_annotations(module: cst.Module) -> bool:
    """Whether the module says ``from __future__ import annotations``."""
    for statement in module.body:
        for small in _small(statement):
            if isinstance(small, cst.ImportFrom) and small.module is not None and code_of(small.module) == "__future__":
                if not isinstance(small.names, cst.ImportStar) and any(
                    code_of(alias.name) == "annotations" for alias in small.names
                ):
                    return True
    return False

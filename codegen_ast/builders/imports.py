"""Import statements, merged and ordered the way isort would order them."""

from __future__ import annotations

import sys
from collections.abc import Iterable

import libcst as cst

from codegen_ast.builders.expressions import dotted, name


def _module_expr(module: str) -> cst.Attribute | cst.Name | None:
    return dotted(module) if module else None


def import_group(module: str) -> int:
    """0 __future__, 1 standard library, 2 third party, 3 local (relative)."""
    if module == "__future__":
        return 0
    if module.startswith("."):
        return 3
    return 1 if module.split(".")[0] in sys.stdlib_module_names else 2


def _alias(item: str) -> cst.ImportAlias:
    """``name`` or ``name as other``."""
    imported, _, local = item.partition(" as ")
    return cst.ImportAlias(name(imported), asname=cst.AsName(name(local)) if local else None)


class ImportSet:
    """Collects ``from module import name`` (or ``name as other``) and ``import module`` requests."""

    def __init__(self) -> None:
        self._from: dict[str, set[str]] = {}
        self._plain: set[str] = set()

    def add(self, module: str, *names: str) -> ImportSet:
        if names:
            self._from.setdefault(module, set()).update(names)
        else:
            self._plain.add(module)
        return self

    def merge(self, other: ImportSet) -> ImportSet:
        for module, names in other._from.items():
            self.add(module, *names)
        self._plain |= other._plain
        return self

    def pairs(self) -> set[tuple[str, str]]:
        """Every request as ``(module, name)`` (name "" for ``import module``)."""
        return {(module, item) for module, names in self._from.items() for item in names} | {
            (module, "") for module in self._plain
        }

    def statements(self, untyped: frozenset[str] = frozenset()) -> list[cst.SimpleStatementLine]:
        """Import lines grouped (future, stdlib, third party, local), sorted.

        Modules in ``untyped`` (libraries without type information) get a
        ``# type: ignore[import-untyped, unused-ignore]`` comment, which stays
        correct when the user installs stubs for them.
        """
        entries: list[tuple[int, int, str, cst.SimpleStatementLine]] = []
        for module in self._plain:
            stmt = cst.SimpleStatementLine(
                [cst.Import([cst.ImportAlias(dotted(module))])]
            )
            entries.append((import_group(module), 0, module, stmt))
        for module, names in self._from.items():
            level = len(module) - len(module.lstrip("."))
            stmt = cst.SimpleStatementLine(
                [
                    cst.ImportFrom(
                        module=_module_expr(module.lstrip(".")),
                        names=[_alias(item) for item in sorted(names)],
                        relative=[cst.Dot()] * level,
                    )
                ]
            )
            entries.append((import_group(module), 1, module, stmt))
        entries = [
            (group, kind, module, _untyped(stmt) if module in untyped else stmt)
            for group, kind, module, stmt in entries
        ]
        entries.sort(key=lambda entry: entry[:3])
        result: list[cst.SimpleStatementLine] = []
        previous_group = None
        for group, _, _, stmt in entries:
            if previous_group is not None and group != previous_group:
                stmt = stmt.with_changes(leading_lines=[cst.EmptyLine()])
            result.append(stmt)
            previous_group = group
        return result


def _untyped(statement: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
    from codegen_ast.builders.statements import with_comment

    return with_comment(statement, "type: ignore[import-untyped, unused-ignore]")


def imports(requests: Iterable[tuple[str, str]]) -> list[cst.SimpleStatementLine]:
    result = ImportSet()
    for module, item in requests:
        result.add(module, item)
    return result.statements()

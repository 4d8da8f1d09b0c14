"""The upgrade's own safety net: is every original statement still there?

``lost_statements(original, upgraded)`` walks both trees and reports each
original module-level and class-level statement (recursively through classes
and functions) that the upgraded tree no longer contains, unchanged and in
order. Insertions are allowed everywhere; the only edits allowed to an existing
statement are the ones the upgrade makes:

- a class may gain bases (and the scaffold's class a new name);
- a function may gain decorators and statements;
- any statement may gain blank lines above it (never lose one, never gain a comment);
- a ``return [...]`` may gain list elements (``get_health_checks``);
- a ``from m import ...`` line may gain names (and the blank lines around an
  import line may move, as sorting the import block needs);
- the scaffold's ``raise NotImplementedError`` placeholder may be replaced.

Anything else — a deleted, reordered or reformatted statement, a lost comment
(comments belong to the statements and blocks around them) — is reported, and
the upgrade refuses to write the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import libcst as cst

from codegen_ast.upgrade.formatting import code_of
from codegen_ast.upgrade.nodes import placeholder


def _same_return_growing(original: cst.CSTNode, upgraded: cst.CSTNode) -> bool:
    if not (isinstance(original, cst.SimpleStatementLine) and isinstance(upgraded, cst.SimpleStatementLine)):
        return False
    if len(original.body) != 1 or len(upgraded.body) != 1:
        return False
    old, new = original.body[0], upgraded.body[0]
    if not (isinstance(old, cst.Return) and isinstance(new, cst.Return)):
        return False
    if not (isinstance(old.value, cst.List) and isinstance(new.value, cst.List)):
        return False
    if not _kept_lines(original.leading_lines, upgraded.leading_lines):
        return False
    if not original.trailing_whitespace.deep_equals(upgraded.trailing_whitespace):
        return False
    return _subsequence([e.value for e in old.value.elements], [e.value for e in new.value.elements], _equal)


def _import_growing(original: cst.CSTNode, upgraded: cst.CSTNode) -> bool:
    """An import line that gained names (``from m import a`` -> ``from m import a, b``,
    wrapped or not) and kept its comments; the blank lines around an import move
    as its section needs them."""
    if not (isinstance(original, cst.SimpleStatementLine) and isinstance(upgraded, cst.SimpleStatementLine)):
        return False
    if len(original.body) != 1 or len(upgraded.body) != 1:
        return False
    old, new = original.body[0], upgraded.body[0]
    comments = [line.comment for line in original.leading_lines if line.comment is not None]
    if comments != [line.comment for line in upgraded.leading_lines if line.comment is not None]:
        return False
    if not original.trailing_whitespace.deep_equals(upgraded.trailing_whitespace):
        return False
    if isinstance(old, cst.Import) and isinstance(new, cst.Import):
        return old.deep_equals(new)
    if not (isinstance(old, cst.ImportFrom) and isinstance(new, cst.ImportFrom)):
        return False
    if isinstance(old.names, cst.ImportStar) or isinstance(new.names, cst.ImportStar):
        return old.deep_equals(new)
    if not (_same(old.module, new.module) and len(old.relative) == len(new.relative)):
        return False
    return "#" not in code_of(old) and _subsequence(
        [alias.with_changes(comma=cst.MaybeSentinel.DEFAULT) for alias in old.names],
        [alias.with_changes(comma=cst.MaybeSentinel.DEFAULT) for alias in new.names],
        _equal,
    )


def _equal(original: cst.CSTNode, upgraded: cst.CSTNode) -> bool:
    return original.deep_equals(upgraded)


def _subsequence(
    originals: Sequence[cst.CSTNode],
    upgraded: Sequence[cst.CSTNode],
    kept: Callable[[cst.CSTNode, cst.CSTNode], bool],
) -> bool:
    """Every original item is kept by an upgraded one, in order."""
    position = 0
    for item in originals:
        while position < len(upgraded) and not kept(item, upgraded[position]):
            position += 1
        if position == len(upgraded):
            return False
        position += 1
    return True


class _Checker:
    def __init__(self, renames: Mapping[str, str]) -> None:
        self.renames = renames

    def kept(self, original: cst.CSTNode, upgraded: cst.CSTNode) -> bool:
        if original.deep_equals(upgraded):
            return True
        if isinstance(original, cst.SimpleStatementLine) and isinstance(upgraded, cst.SimpleStatementLine):
            if original.with_changes(leading_lines=()).deep_equals(upgraded.with_changes(leading_lines=())):
                return _kept_lines(original.leading_lines, upgraded.leading_lines) or _import_growing(original, upgraded)
        if isinstance(original, cst.ClassDef) and isinstance(upgraded, cst.ClassDef):
            name = original.name.value
            return (
                upgraded.name.value in (name, self.renames.get(name))
                and _kept_lines(original.leading_lines, upgraded.leading_lines)
                and _subsequence([a.value for a in original.bases], [a.value for a in upgraded.bases], _equal)
                and _subsequence(original.decorators, upgraded.decorators, _equal)
                and self.block(original.body, upgraded.body)
            )
        if isinstance(original, cst.FunctionDef) and isinstance(upgraded, cst.FunctionDef):
            return (
                original.name.deep_equals(upgraded.name)
                and original.params.deep_equals(upgraded.params)
                and _same(original.returns, upgraded.returns)
                and _same(original.asynchronous, upgraded.asynchronous)
                and _kept_lines(original.leading_lines, upgraded.leading_lines)
                and _subsequence(original.decorators, upgraded.decorators, _equal)
                and self.block(original.body, upgraded.body, allow_placeholder=placeholder(original))
            )
        return _same_return_growing(original, upgraded) or _import_growing(original, upgraded)

    def block(
        self,
        original: cst.BaseSuite,
        upgraded: cst.BaseSuite,
        allow_placeholder: cst.SimpleStatementLine | None = None,
    ) -> bool:
        if not (isinstance(original, cst.IndentedBlock) and isinstance(upgraded, cst.IndentedBlock)):
            return original.deep_equals(upgraded)
        if not (_same(original.header, upgraded.header) and _equal_lines(original.footer, upgraded.footer)):
            return False
        statements = [s for s in original.body if s is not allow_placeholder]
        return _subsequence(statements, upgraded.body, self.kept)


def _same(a: cst.CSTNode | None, b: cst.CSTNode | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a.deep_equals(b))


def _equal_lines(a: Sequence[cst.CSTNode], b: Sequence[cst.CSTNode]) -> bool:
    return len(a) == len(b) and all(x.deep_equals(y) for x, y in zip(a, b, strict=True))


def _kept_lines(original: Sequence[cst.EmptyLine], upgraded: Sequence[cst.EmptyLine]) -> bool:
    """The lines above a statement: all still there, in order, and the only ones
    added are blank (an inserted method or import group needs its blank line)."""
    added = list(upgraded)
    for line in original:
        while added and not line.deep_equals(added[0]):
            if added[0].comment is not None:
                return False
            added.pop(0)
        if not added:
            return False
        added.pop(0)
    return all(line.comment is None for line in added)


def lost_statements(original: cst.Module, upgraded: cst.Module, renames: Mapping[str, str] | None = None) -> list[str]:
    """Original statements (their first line) the upgraded module does not keep."""
    checker = _Checker(renames or {})
    lost: list[str] = []
    if not _equal_lines(original.header, upgraded.header):
        lost.append("the comments at the top of the file")
    if not _equal_lines(original.footer, upgraded.footer):
        lost.append("the comments at the end of the file")
    position = 0
    for statement in original.body:
        start = position
        while position < len(upgraded.body) and not checker.kept(statement, upgraded.body[position]):
            position += 1
        if position == len(upgraded.body):
            lost.append(code_of(statement).strip().splitlines()[0])
            position = start
        else:
            position += 1
    return lost

"""Imports added where ruff's isort rule (``I001``) expects them.

The imports an upgrade needs go into the module's leading import block, in the
order ruff's defaults give it: sections (``__future__``, standard library, third
party, first party, relative) one blank line apart; in a section plain
``import m`` lines before ``from m import ...`` lines, each sorted by module in
case-insensitive natural order; the names of a ``from`` import constants first,
then classes, then the rest. A name from a module the block already imports
``from`` joins that line (wrapped one name per line, with a trailing comma,
once it passes 88 characters, as ruff writes it), so no module is imported
twice. An already sorted block therefore stays sorted; the user's own lines
keep their order and their comments (a block that was not sorted gets the new
lines where they would go, and stays as unsorted as it was).

First party means a package found beside the file (its folders up to the
project root, and the root's ``src``), as ruff's default ``src`` finds it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.upgrade.formatting import code_of
from codegen_ast.upgrade.nodes import is_docstring

LINE_LENGTH = 88
FUTURE, STDLIB, THIRD_PARTY, FIRST_PARTY, LOCAL = range(5)
_DIGITS = re.compile(r"(\d+)")
_INDENT = "    "


def natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order (``a2`` before ``a10``), as ruff compares names."""
    return tuple((1, int(part)) if part.isdigit() else (0, part) for part in _DIGITS.split(text) if part)


def module_key(module: str) -> tuple[object, ...]:
    return (natural(module.lower()), natural(module))


def member_key(name: str) -> tuple[object, ...]:
    """ruff's order-by-type: CONSTANTS, then Classes, then everything else."""
    if len(name) > 1 and name.isupper():
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return (kind, natural(name.lower()), natural(name))


@dataclass(frozen=True)
class Sections:
    """Which section a module belongs to, for one file."""

    first_party_roots: tuple[Path, ...] = ()

    @classmethod
    def for_file(cls, path: Path | None) -> Sections:
        if path is None:
            return cls()
        from codegen_ast.validate.modules import local_roots

        roots = local_roots(path)
        return cls(tuple([*roots, *(root / "src" for root in roots)]))

    def of(self, module: str) -> int:
        if module == "__future__":
            return FUTURE
        if module.startswith("."):
            return LOCAL
        top = module.split(".")[0]
        if top in sys.stdlib_module_names:
            return STDLIB
        for root in self.first_party_roots:
            if (root / top).is_dir() or (root / f"{top}.py").is_file():
                return FIRST_PARTY
        return THIRD_PARTY


def _small(statement: cst.CSTNode) -> cst.Import | cst.ImportFrom | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            return small
    return None


def _origin(small: cst.Import | cst.ImportFrom) -> str:
    if isinstance(small, cst.Import):
        return code_of(small.names[0].name)
    return "." * len(small.relative) + (code_of(small.module) if small.module else "")


def sort_key(small: cst.Import | cst.ImportFrom, sections: Sections) -> tuple[object, ...]:
    origin = _origin(small)
    section = sections.of(origin)
    if isinstance(small, cst.ImportFrom) and small.relative:
        # relative imports, furthest first: `from .. import` before `from . import` before `from .a import`
        return (section, 1, -len(small.relative), module_key(origin.lstrip(".")))
    return (section, 0 if isinstance(small, cst.Import) else 1, 0, module_key(origin))


def _blank() -> cst.EmptyLine:
    return cst.EmptyLine(indent=False)


def _leading_blank(statement: cst.BaseStatement) -> bool:
    lines: Sequence[cst.EmptyLine] = getattr(statement, "leading_lines", ())
    return bool(lines) and lines[0].comment is None


def _with_blank_above(statement: cst.BaseStatement, blank: bool) -> cst.BaseStatement:
    lines: list[cst.EmptyLine] = list(getattr(statement, "leading_lines", ()))
    while lines and lines[0].comment is None:
        lines.pop(0)
    return statement.with_changes(leading_lines=[_blank(), *lines] if blank else lines)


def _aliases(names: list[str], *, wrapped: bool) -> list[cst.ImportAlias]:
    aliases = []
    for index, name in enumerate(names):
        last = index == len(names) - 1
        comma: cst.Comma | cst.MaybeSentinel
        if wrapped:
            comma = cst.Comma(whitespace_after=_newline(_INDENT if not last else ""))
        else:
            comma = cst.MaybeSentinel.DEFAULT if last else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        aliases.append(cst.ImportAlias(b.dotted(name), comma=comma))
    return aliases


def _newline(indent: str) -> cst.ParenthesizedWhitespace:
    return cst.ParenthesizedWhitespace(last_line=cst.SimpleWhitespace(indent))


def from_import(module: str, names: Iterable[str]) -> cst.ImportFrom:
    """``from module import a, b`` — wrapped one name per line past the line length."""
    ordered = sorted(set(names), key=member_key)
    dots = len(module) - len(module.lstrip("."))
    relative = [cst.Dot() for _ in range(dots)]
    target = b.dotted(module.lstrip(".")) if module.lstrip(".") else None
    flat = cst.ImportFrom(module=target, names=_aliases(ordered, wrapped=False), relative=relative)
    if len(code_of(flat)) <= LINE_LENGTH:
        return flat
    return flat.with_changes(
        names=_aliases(ordered, wrapped=True),
        lpar=cst.LeftParen(whitespace_after=_newline(_INDENT)),
        rpar=cst.RightParen(),
    )


def _joinable(small: cst.BaseSmallStatement, module: str) -> bool:
    return (
        isinstance(small, cst.ImportFrom)
        and not isinstance(small.names, cst.ImportStar)
        and _origin(small) == module
        and all(alias.asname is None for alias in small.names)
        and "#" not in code_of(small)  # comments inside the parentheses stay where the user put them
    )


def _joined(small: cst.ImportFrom, extra: list[str]) -> cst.ImportFrom:
    """``small`` with ``extra`` names, each where it sorts (the user's names keep their order)."""
    assert not isinstance(small.names, cst.ImportStar)
    present = [code_of(alias.name) for alias in small.names]
    names = list(present)
    for name in sorted(extra, key=member_key):
        position = next((i for i, other in enumerate(names) if member_key(other) > member_key(name)), len(names))
        names.insert(position, name)
    wrapped = small.lpar is not None and isinstance(small.lpar.whitespace_after, cst.ParenthesizedWhitespace)
    flat = small.with_changes(names=_aliases(names, wrapped=False), lpar=None, rpar=None)
    if not wrapped and len(code_of(flat)) <= LINE_LENGTH:
        return flat
    return small.with_changes(
        names=_aliases(names, wrapped=True),
        lpar=cst.LeftParen(whitespace_after=_newline(_INDENT)),
        rpar=cst.RightParen(),
    )


def _block(body: Sequence[cst.BaseStatement]) -> tuple[int, int]:
    """[start, end) of the leading block of import lines (start = end: none)."""
    start = 0
    if body and is_docstring(body[0]):
        start = 1
    end = start
    while end < len(body) and _small(body[end]) is not None:
        end += 1
    return start, end


def add_imports(module: cst.Module, requests: Iterable[tuple[str, str]], path: Path | None = None) -> cst.Module:
    """``module`` with ``requests`` (``(module, name)``, name empty for ``import
    module``) imported, placed and sorted as ruff's I rule expects."""
    sections = Sections.for_file(path)
    body: list[cst.BaseStatement] = list(module.body)
    start, end = _block(body)
    block: list[cst.BaseStatement] = body[start:end]
    names_by_module: dict[str, list[str]] = {}
    plain: list[str] = []
    for origin, name in requests:
        if name:
            names_by_module.setdefault(origin, []).append(name)
        else:
            plain.append(origin)
    new: list[cst.SimpleStatementLine] = []
    for origin, names in names_by_module.items():
        index = next((i for i, line in enumerate(block) if (s := _small(line)) is not None and _joinable(s, origin)), None)
        if index is None:
            new.append(cst.SimpleStatementLine([from_import(origin, names)]))
            continue
        line = block[index]
        assert isinstance(line, cst.SimpleStatementLine) and isinstance(line.body[0], cst.ImportFrom)
        block[index] = line.with_changes(body=[_joined(line.body[0], names)])
    new += [cst.SimpleStatementLine([cst.Import([cst.ImportAlias(b.dotted(origin))])]) for origin in sorted(set(plain))]

    def key(line: cst.SimpleStatementLine) -> tuple[object, ...]:
        small = _small(line)
        assert small is not None
        return sort_key(small, sections)

    for statement in sorted(new, key=key):
        block = _insert(block, statement, sections)
    following = body[end] if end < len(body) else None
    if following is not None and block and end == start:  # a block of its own: apart from what follows
        wanted = 2 if isinstance(following, (cst.ClassDef, cst.FunctionDef)) else 1
        lines: list[cst.EmptyLine] = list(getattr(following, "leading_lines", ()))
        blanks = next((i for i, line in enumerate(lines) if line.comment is not None), len(lines))
        if blanks < wanted:
            body[end] = following.with_changes(leading_lines=[_blank()] * (wanted - blanks) + lines)
    if block and start > 0 and end == start and not _leading_blank(block[0]):
        block[0] = _with_blank_above(block[0], True)
    return module.with_changes(body=[*body[:start], *block, *body[end:]])


def _insert(block: list[cst.BaseStatement], statement: cst.SimpleStatementLine, sections: Sections) -> list[cst.BaseStatement]:
    small = _small(statement)
    assert small is not None
    key = sort_key(small, sections)
    keys = [sort_key(s, sections) if (s := _small(line)) is not None else None for line in block]
    position = next((i for i, other in enumerate(keys) if other is not None and other > key), len(block))
    same_before = position > 0 and keys[position - 1] is not None and keys[position - 1][0] == key[0]  # type: ignore[index]
    same_after = position < len(block) and keys[position] is not None and keys[position][0] == key[0]  # type: ignore[index]
    result = list(block)
    if same_before:
        new = _with_blank_above(statement, False)
    elif same_after:
        # the new line opens its section: it takes the section's blank line, the old first line keeps its comments
        new = _with_blank_above(statement, _leading_blank(block[position]))
        result[position] = _with_blank_above(block[position], False)
    else:
        new = _with_blank_above(statement, position > 0)
        if position < len(block) and not _leading_blank(block[position]):
            result[position] = _with_blank_above(block[position], True)
    result.insert(position, new)
    return result

"""A file as the three-way merge sees it: code lines, each with the comments and
blank lines above it.

Two lines are "the same" for the merge when their *key* is: the code with its
comments removed and its whitespace normalised. So a blank line added above a
method, a comment written anywhere, or a line re-spaced never makes a
difference, let alone a conflict. Python files are read with :mod:`tokenize`,
which tells comments from ``#`` inside strings, and lines inside a string from
lines of code; other files (YAML, SQL) by simple line rules.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

_SKIPPED_TOKENS = frozenset(
    {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
)
_COMMENT_PREFIXES = {".sql": ("--",), ".py": ("#",)}
MEMBER_STARTS = ("def ", "async def ", "class ", "@", "import ", "from ")
IMPORT_STARTS = ("import ", "from ")


@dataclass
class Unit:
    """One line of code and the comment and blank lines just above it."""

    code: str  # the physical line, with its end of line
    key: str  # what the merge compares
    trivia: list[str] = field(default_factory=list)  # lines above: comments, blank lines
    indent: int = 0
    continuation: bool = False  # inside brackets or a string: part of the statement above
    comment: str | None = None  # a trailing comment, "# ..."
    takes_comment: bool = True  # a trailing comment can be appended (not inside a string)

    @property
    def text(self) -> str:
        return "".join(self.trivia) + self.code

    @property
    def starts_member(self) -> bool:
        """A ``def``, ``class``, decorator or import at the start of a statement."""
        return not self.continuation and self.key.lstrip().startswith(MEMBER_STARTS)

    @property
    def is_import(self) -> bool:
        return not self.continuation and self.key.lstrip().startswith(IMPORT_STARTS)


@dataclass
class Document:
    units: list[Unit]
    tail: list[str]  # comments and blank lines after the last line of code

    @property
    def keys(self) -> list[str]:
        return [unit.key for unit in self.units]


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _indent(line: str) -> int:
    stripped = line.expandtabs(8)
    return len(stripped) - len(stripped.lstrip())


def read(text: str, suffix: str) -> Document:
    """Split ``text`` (a file with this suffix, e.g. ``.py``) into units."""
    if suffix == ".py":
        try:
            return _read_python(text)
        except (tokenize.TokenError, SyntaxError, IndentationError):
            pass  # a file that does not tokenize (say, conflict markers): plain lines
    return _read_plain(text, _COMMENT_PREFIXES.get(suffix, ("#",)))


def _read_plain(text: str, comment_prefixes: tuple[str, ...]) -> Document:
    units: list[Unit] = []
    pending: list[str] = []
    for line in _lines(text):
        stripped = line.strip()
        if not stripped or stripped.startswith(comment_prefixes):
            pending.append(line)
            continue
        key = " " * _indent(line) + " ".join(stripped.split())
        units.append(Unit(line, key, pending, indent=_indent(line), takes_comment=False))
        pending = []
    return Document(units, pending)


def _read_python(text: str) -> Document:
    lines = _lines(text)
    parts: dict[int, list[str]] = {}  # row -> the code tokens that start on it
    comments: dict[int, str] = {}
    in_string: set[int] = set()  # rows continued from a string that started above
    open_string: set[int] = set()  # rows that end inside a string
    in_brackets: set[int] = set()  # rows that start inside brackets
    depth = 0
    last_row = 0
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        (start_row, _), (end_row, _) = token.start, token.end
        if start_row > last_row:
            for row in range(last_row + 1, start_row + 1):
                if depth > 0:
                    in_brackets.add(row)
            last_row = start_row
        if token.type == tokenize.COMMENT:
            comments[start_row] = token.string
        elif token.type not in _SKIPPED_TOKENS:
            parts.setdefault(start_row, []).append(token.string.split("\n", 1)[0])
        if end_row > start_row:
            in_string.update(range(start_row + 1, end_row + 1))
            open_string.update(range(start_row, end_row))
        if token.type == tokenize.OP:
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                depth -= 1
    units: list[Unit] = []
    pending: list[str] = []
    for row, line in enumerate(lines, start=1):
        if row in in_string:
            units.append(Unit(line, line.rstrip(), pending, indent=_indent(line), continuation=True,
                              takes_comment=row not in open_string))
            pending = []
            continue
        code = parts.get(row)
        if not code:
            pending.append(line)  # blank or comment-only
            continue
        continuation = row in in_brackets
        indent = _indent(line)
        key = " ".join(code) if continuation else " " * indent + " ".join(code)
        units.append(Unit(line, key, pending, indent=indent, continuation=continuation,
                          comment=comments.get(row), takes_comment=row not in open_string))
        pending = []
    return Document(units, pending)


_TRAILING_SPACE = re.compile(r"[ \t]*(\r?\n)?$")


def with_comment(unit: Unit, comment: str) -> Unit:
    """``unit`` with ``comment`` appended to its line (it has none, and can take one)."""
    ending = _TRAILING_SPACE.search(unit.code)
    assert ending is not None
    newline = ending.group(1) or ""
    body = unit.code[: ending.start()]
    return Unit(body + "  " + comment + newline, unit.key, list(unit.trivia), unit.indent, unit.continuation,
                comment, unit.takes_comment)


def comment_line(comment: str, indent: int) -> str:
    return " " * indent + comment + "\n"

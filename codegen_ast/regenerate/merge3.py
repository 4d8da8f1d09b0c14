"""Three-way merge of one text file, line by line, with merge3 semantics.

``base`` is what codegen-ast generated last time, ``ours`` the file on disk
(the user's), ``theirs`` what it generates now. Regions where only one side
changed take that side; regions both changed the same way take it once;
regions both changed differently are a conflict, written between git's
markers::

    <<<<<<< yours
    the lines on disk
    =======
    the lines generated now
    >>>>>>> codegen-ast

Lines are compared by their code alone (see :mod:`.lines`): comments and
blank lines are carried along with the line below them and never conflict;
a comment the user wrote on a line the generator rewrote moves to the new
line. Two conflicts are resolved because they are not real ones: both sides
adding whole members (methods, classes, imports) at the same place keeps
both, and both sides editing the same block of imports keeps every name
either side needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from codegen_ast.regenerate import imports
from codegen_ast.regenerate.lines import Document, Unit, comment_line, read, with_comment

MARK_OURS = "<<<<<<< yours\n"
MARK_SPLIT = "=======\n"
MARK_THEIRS = ">>>>>>> codegen-ast\n"
MARKERS = (MARK_OURS.rstrip("\n"), MARK_SPLIT.rstrip("\n"), MARK_THEIRS.rstrip("\n"))


@dataclass(frozen=True)
class Conflict:
    line: int  # 1-based line of the opening marker in the merged text
    where: str  # the def or class it is in, or "module level"


@dataclass
class TextMerge:
    text: str
    conflicts: list[Conflict] = field(default_factory=list)


def has_markers(text: str) -> bool:
    """True when ``text`` still holds conflict markers of an earlier merge."""
    lines = {line.rstrip("\r\n") for line in text.splitlines()}
    return MARKERS[0] in lines and MARKERS[2] in lines


def _sync_regions(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> list[tuple[int, int, int, int, int, int]]:
    """Stretches equal in all three: (base start, base end, ours start, ours end,
    theirs start, theirs end), ending with an empty one at the three ends."""
    a_blocks = SequenceMatcher(None, base, ours, autojunk=False).get_matching_blocks()
    b_blocks = SequenceMatcher(None, base, theirs, autojunk=False).get_matching_blocks()
    regions = []
    ia = ib = 0
    while ia < len(a_blocks) and ib < len(b_blocks):
        a_base, a_at, a_len = a_blocks[ia]
        b_base, b_at, b_len = b_blocks[ib]
        start, end = max(a_base, b_base), min(a_base + a_len, b_base + b_len)
        if start < end:
            a_start, b_start = a_at + start - a_base, b_at + start - b_base
            length = end - start
            regions.append((start, end, a_start, a_start + length, b_start, b_start + length))
        if a_base + a_len < b_base + b_len:
            ia += 1
        else:
            ib += 1
    regions.append((len(base), len(base), len(ours), len(ours), len(theirs), len(theirs)))
    return regions


def _merge_trivia(base: list[str], ours: list[str], theirs: list[str]) -> list[str]:
    if ours == base:
        return list(theirs)
    if theirs == base or theirs == ours:
        return list(ours)
    # both changed the comments above one line: the user's first, then the generator's new ones
    kept = set(ours)
    return [*ours, *(line for line in theirs if line not in kept and line not in base and line.strip())]


def _user_comments(base: Unit | None, ours: Unit) -> tuple[list[str], str | None]:
    """The comment lines above ``ours`` and its trailing comment, where the user wrote them."""
    above = [line for line in ours.trivia if line.strip() and (base is None or line not in base.trivia)]
    trailing = ours.comment if ours.comment and (base is None or ours.comment != base.comment) else None
    return above, trailing


class _Merger:
    def __init__(self, base: Document, ours: Document, theirs: Document) -> None:
        self.base, self.ours, self.theirs = base, ours, theirs
        self.out: list[str] = []
        self.conflicts: list[Conflict] = []
        self.carried: list[str] = []  # user comments waiting for the next line out

    def emit(self, unit: Unit, trivia: list[str] | None = None) -> None:
        self.out.extend(unit.trivia if trivia is None else trivia)
        if self.carried:
            self.out.extend(comment_line(line.strip(), unit.indent) for line in self.carried)
            self.carried = []
        self.out.append(unit.code)

    def run(self) -> TextMerge:
        base, ours, theirs = self.base.units, self.ours.units, self.theirs.units
        at_base = at_ours = at_theirs = 0
        for b_start, b_end, o_start, o_end, t_start, t_end in _sync_regions(self.base.keys, self.ours.keys, self.theirs.keys):
            self.region(base[at_base:b_start], ours[at_ours:o_start], theirs[at_theirs:t_start])
            for offset in range(b_end - b_start):
                self.same(base[b_start + offset], ours[o_start + offset], theirs[t_start + offset])
            at_base, at_ours, at_theirs = b_end, o_end, t_end
        self.out.extend(_merge_trivia(self.base.tail, self.ours.tail, self.theirs.tail))
        if self.carried:
            self.out.extend(line if line.endswith("\n") else line + "\n" for line in self.carried)
        return TextMerge("".join(self.out), self.conflicts)

    def same(self, base: Unit, ours: Unit, theirs: Unit) -> None:
        """One line of code all three agree on: the user's spelling wins, unless untouched."""
        line = theirs if ours.code == base.code else ours
        self.emit(line, _merge_trivia(base.trivia, ours.trivia, theirs.trivia))

    def region(self, base: list[Unit], ours: list[Unit], theirs: list[Unit]) -> None:
        keys = [[unit.key for unit in side] for side in (base, ours, theirs)]
        if keys[1] == keys[0]:
            self.take_theirs(base, ours, theirs)
        elif keys[2] == keys[0] or keys[2] == keys[1]:
            for unit in ours:
                self.emit(unit)
        elif not base and _members(ours) and _members(theirs) and not _defined(ours) & _defined(theirs):
            for unit in [*theirs, *ours]:  # both added whole members here: keep both
                self.emit(unit)
        elif base and all(_imports(side) for side in (base, ours, theirs)):
            self.merge_imports(base, ours, theirs)
        elif self.side_by_side(base, ours, theirs):
            return
        else:
            our_core, our_members = _peel_members(ours)
            their_core, their_members = _peel_members(theirs)
            if (our_members or their_members) and not _defined(our_members) & _defined(their_members):
                # an edit inside a member, then members added after it: merge the edit, keep both additions
                self.region(base, our_core, their_core)
                for unit in [*their_members, *our_members]:
                    self.emit(unit)
            else:
                self.conflict(ours, theirs)

    def side_by_side(self, base: list[Unit], ours: list[Unit], theirs: list[Unit]) -> bool:
        """Both sides changed this stretch, but different lines of it (one edits a line, the
        other adds one after it): apply both. False, emitting nothing, when an edit overlaps."""
        our_edits = _edits(base, ours)
        their_edits = _edits(base, theirs)
        if not our_edits or not their_edits or any(_overlap(a, b) for a in our_edits for b in their_edits):
            return False
        our_equal, their_equal = _equal_lines(base, ours), _equal_lines(base, theirs)
        edits = sorted([(e, "ours") for e in our_edits] + [(e, "theirs") for e in their_edits],
                       key=lambda item: (item[0][0], item[0][1]))
        position = 0
        for (start, end, at, to), side in edits:
            for index in range(position, start):
                self.same(base[index], ours[our_equal[index]], theirs[their_equal[index]])
            if side == "ours":
                for unit in ours[at:to]:
                    self.emit(unit)
            else:
                unchanged = [ours[our_equal[index]] for index in range(start, end)]
                self.take_theirs(base[start:end], unchanged, theirs[at:to])
            position = max(position, end)
        for index in range(position, len(base)):
            self.same(base[index], ours[our_equal[index]], theirs[their_equal[index]])
        return True

    def merge_imports(self, base: list[Unit], ours: list[Unit], theirs: list[Unit]) -> None:
        merged = imports.merge(*("".join(unit.code for unit in side) for side in (base, ours, theirs)))
        if merged is None:
            self.conflict(ours, theirs)
            return
        self.out.extend(_merge_trivia(base[0].trivia, ours[0].trivia, theirs[0].trivia))
        written = set(merged.splitlines(keepends=True))
        base_lines = {line.strip() for unit in base for line in unit.text.splitlines()}
        for unit in ours:  # the user's comments in the block, above it
            for line in [*unit.trivia[1 if unit is ours[0] else 0:], *([unit.comment] if unit.comment else [])]:
                if line.strip() and line.strip() not in base_lines and line not in written:
                    self.out.append(comment_line(line.strip(), 0))
        self.out.append(merged)

    def take_theirs(self, base: list[Unit], ours: list[Unit], theirs: list[Unit]) -> None:
        """The user did not change this code; the generator did. Keep the user's comments."""
        for index, unit in enumerate(theirs):
            if index < len(ours):
                above, trailing = _user_comments(base[index], ours[index])
                trivia = _merge_trivia(base[index].trivia, ours[index].trivia, unit.trivia)
                trivia += [line for line in above if line not in trivia]
                if trailing is not None and unit.takes_comment and unit.comment is None:
                    unit = with_comment(unit, trailing)
                elif trailing is not None:
                    trivia.append(comment_line(trailing, unit.indent))
                self.emit(unit, trivia)
            else:
                self.emit(unit)
        for index in range(len(theirs), len(ours)):  # lines the generator dropped
            above, trailing = _user_comments(base[index], ours[index])
            self.carried += above + ([trailing] if trailing else [])

    def conflict(self, ours: list[Unit], theirs: list[Unit]) -> None:
        line = len("".join(self.out).splitlines()) + 1
        self.conflicts.append(Conflict(line, _scope(self.out)))
        self.out.append(MARK_OURS)
        self.out.extend(_terminated("".join(unit.text for unit in ours)))
        self.out.append(MARK_SPLIT)
        self.out.extend(_terminated("".join(unit.text for unit in theirs)))
        self.out.append(MARK_THEIRS)


def _terminated(text: str) -> list[str]:
    return [text if not text or text.endswith("\n") else text + "\n"]


Edit = tuple[int, int, int, int]  # base start, base end, side start, side end


def _edits(base: list[Unit], side: list[Unit]) -> list[Edit]:
    matcher = SequenceMatcher(None, [u.key for u in base], [u.key for u in side], autojunk=False)
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _equal_lines(base: list[Unit], side: list[Unit]) -> dict[int, int]:
    matcher = SequenceMatcher(None, [u.key for u in base], [u.key for u in side], autojunk=False)
    return {i1 + k: j1 + k for tag, i1, i2, j1, _ in matcher.get_opcodes() if tag == "equal" for k in range(i2 - i1)}


def _overlap(a: Edit, b: Edit) -> bool:
    """Two edits of the same base lines, or two insertions at the same place, or an
    insertion inside lines the other replaces."""
    if a[0] == a[1] and b[0] == b[1]:
        return a[0] == b[0]
    if a[0] == a[1]:
        return b[0] < a[0] < b[1]
    if b[0] == b[1]:
        return a[0] < b[0] < a[1]
    return a[0] < b[1] and b[0] < a[1]


def _members(units: list[Unit]) -> bool:
    """Whole definitions or imports, starting at one indentation: order does not matter."""
    if not units or not units[0].starts_member:
        return False
    indent = units[0].indent
    return all(unit.continuation or unit.indent > indent or (unit.indent == indent and unit.starts_member)
               for unit in units)


def _defined(units: list[Unit]) -> set[str]:
    """Names of the defs and classes that start at the block's first indentation."""
    if not units:
        return set()
    names = set()
    for unit in units:
        stripped = unit.key.lstrip()
        if unit.indent == units[0].indent and not unit.continuation:
            for keyword in ("def ", "async def ", "class "):
                if stripped.startswith(keyword):
                    names.add(stripped[len(keyword):].split(" ")[0].split("(")[0])
    return names


def _peel_members(units: list[Unit]) -> tuple[list[Unit], list[Unit]]:
    """(the rest, the whole members added at the end), splitting as early as possible."""
    for start in range(len(units)):
        core, tail = units[:start], units[start:]
        if not _members(tail):
            continue
        if all(unit.continuation or unit.indent >= tail[0].indent for unit in core):
            return core, tail
    return units, []


def _imports(units: list[Unit]) -> bool:
    return bool(units) and units[0].indent == 0 and all(unit.continuation or unit.is_import for unit in units)


def _scope(lines: list[str]) -> str:
    """The innermost def or class the next line falls in, by indentation."""
    names: list[tuple[int, str]] = []
    for line in "".join(lines).splitlines():
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if not stripped or stripped.startswith("#"):
            continue
        names = [(level, name) for level, name in names if level < indent]
        for keyword in ("def ", "async def ", "class "):
            if stripped.startswith(keyword):
                names.append((indent, stripped[len(keyword):].split("(")[0].split(":")[0].strip()))
    return ".".join(name for _, name in names) or "module level"


def merge3(base: str, ours: str, theirs: str, *, suffix: str = ".py") -> TextMerge:
    """Merge the user's edits (``base`` -> ``ours``) with the generator's (``base`` -> ``theirs``)."""
    if ours == base or ours == theirs:
        return TextMerge(theirs)
    if theirs == base:
        return TextMerge(ours)
    documents = [read(text, suffix) for text in (base, ours, theirs)]
    return _Merger(*documents).run()

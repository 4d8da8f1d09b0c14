"""Three-way merge of one Python module at the level of its syntax tree.

``base`` is what the generator wrote before, ``ours`` what it writes now and
``theirs`` the file on disk, which the user may have edited. Module-level and
class-level statements are matched by name (a def, a class, an assignment's
target, an import's module); for each one:

- unchanged by the user -> the new generated version;
- changed by the user, unchanged by the generator -> the user's version;
- changed by both -> the user's version, reported as a conflict;
- added by the user -> kept, in place after its generated neighbour;
- removed by the generator but edited by the user -> kept and reported.

Nothing the user wrote is ever dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

Statement = cst.BaseStatement


@dataclass
class MergeResult:
    code: str
    conflicts: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # user additions that survived


def _key(statement: Statement) -> str | None:
    """The name a statement is matched by, or None for anonymous statements."""
    if isinstance(statement, cst.FunctionDef | cst.ClassDef):
        return f"def:{statement.name.value}"
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            return "assign:" + cst.Module([]).code_for_node(small.targets[0].target)
        if isinstance(small, cst.AnnAssign):
            return "assign:" + cst.Module([]).code_for_node(small.target)
        if isinstance(small, cst.ImportFrom) and small.module is not None:
            dots = "." * len(small.relative)
            return "from:" + dots + cst.Module([]).code_for_node(small.module)
        if isinstance(small, cst.Import):
            return "import:" + ",".join(cst.Module([]).code_for_node(a.name) for a in small.names)
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString):
            return "docstring"
    return None


def _same(left: cst.CSTNode | None, right: cst.CSTNode | None) -> bool:
    if left is None or right is None:
        return left is right
    return left.deep_equals(right)


def _by_key(statements: Sequence[Statement]) -> dict[str, Statement]:
    found: dict[str, Statement] = {}
    for statement in statements:
        key = _key(statement)
        if key is not None and key not in found:
            found[key] = statement
    return found


def _body(node: cst.Module | cst.ClassDef) -> Sequence[Statement]:
    if isinstance(node, cst.Module):
        return node.body
    block = node.body
    return block.body if isinstance(block, cst.IndentedBlock) else []


def _merge_block(
    base: Sequence[Statement],
    ours: Sequence[Statement],
    theirs: Sequence[Statement],
    where: str,
    result: MergeResult,
) -> list[Statement]:
    base_map, theirs_map = _by_key(base), _by_key(theirs)
    ours_keys = {_key(s) for s in ours}
    merged: list[Statement] = []
    for statement in ours:
        key = _key(statement)
        mine = theirs_map.get(key) if key else None
        old = base_map.get(key) if key else None
        if mine is None:
            # the user deleted it, or it is new: a deleted generated member comes back
            merged.append(statement)
            continue
        if isinstance(statement, cst.ClassDef) and isinstance(mine, cst.ClassDef):
            merged.append(_merge_class(old, statement, mine, where, result))
            continue
        if key is not None and key.startswith("from:"):
            merged.append(_union_import(statement, mine))
            continue
        if _same(mine, old) or _same(mine, statement):
            merged.append(statement)
        else:
            merged.append(mine)
            if old is not None and not _same(old, statement):
                result.conflicts.append(f"{where}{_label(key)}: changed by you and by the generator; your version was kept")
    # user additions (and edited members the generator dropped), after their neighbour
    for index, statement in enumerate(theirs):
        key = _key(statement)
        if key in ours_keys and key is not None:
            continue
        if key is not None and key in base_map and _same(statement, base_map[key]):
            continue  # generated before, untouched, and no longer generated
        if key is None and any(_same(statement, b) for b in base):
            continue
        anchor = _previous_key(theirs, index)
        position = _position_after(merged, anchor)
        merged.insert(position, statement)
        label = _label(key) if key else "a statement"
        if key is not None and key in base_map:
            result.conflicts.append(f"{where}{label}: no longer generated but edited by you; kept")
        else:
            result.kept.append(f"{where}{label}")
    return merged


def _union_import(ours: Statement, theirs: Statement) -> Statement:
    """``from m import a`` + ``from m import b`` -> ``from m import a, b``: imports never conflict."""
    assert isinstance(ours, cst.SimpleStatementLine) and isinstance(theirs, cst.SimpleStatementLine)
    mine, new = theirs.body[0], ours.body[0]
    assert isinstance(mine, cst.ImportFrom) and isinstance(new, cst.ImportFrom)
    if isinstance(mine.names, cst.ImportStar) or isinstance(new.names, cst.ImportStar):
        return theirs
    names = {cst.Module([]).code_for_node(alias).strip(", "): alias for alias in [*new.names, *mine.names]}
    aliases = [alias.with_changes(comma=cst.MaybeSentinel.DEFAULT) for _, alias in sorted(names.items())]
    return ours.with_changes(body=[new.with_changes(names=aliases, lpar=None, rpar=None)])


def _previous_key(statements: Sequence[Statement], index: int) -> str | None:
    for statement in reversed(statements[:index]):
        key = _key(statement)
        if key is not None:
            return key
    return None


def _position_after(statements: list[Statement], key: str | None) -> int:
    if key is None:
        return 0
    for index, statement in enumerate(statements):
        if _key(statement) == key:
            return index + 1
    return len(statements)


def _label(key: str | None) -> str:
    return (key or "").split(":", 1)[-1]


def _merge_class(
    base: Statement | None, ours: cst.ClassDef, theirs: cst.ClassDef, where: str, result: MergeResult
) -> cst.ClassDef:
    base_body = _body(base) if isinstance(base, cst.ClassDef) else []
    body = _merge_block(base_body, _body(ours), _body(theirs), f"{where}{ours.name.value}.", result)
    # the class line (bases, decorators) is the user's if they changed it
    user_header = isinstance(base, cst.ClassDef) and not _same(
        theirs.with_changes(body=base.body), base
    )
    merged = theirs if user_header else ours
    return merged.with_changes(body=ours.body.with_changes(body=body))


def merge_modules(base: str, ours: str, theirs: str, *, where: str = "") -> MergeResult:
    """Merge the user's ``theirs`` with the generator's ``base`` -> ``ours`` change."""
    result = MergeResult(code="")
    trees = [cst.parse_module(text) for text in (base, ours, theirs)]
    body = _merge_block(_body(trees[0]), _body(trees[1]), _body(trees[2]), where, result)
    result.code = trees[1].with_changes(body=body).code
    return result

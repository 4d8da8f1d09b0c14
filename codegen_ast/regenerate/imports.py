"""Merge a block of import statements both sides edited: every name either side
needs is kept, names the user removed stay removed.

An import is a set of names, so two edits of one ``from x import a, b`` line
(the generator adds ``c``, the user adds ``d``) are not a conflict.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast.emit import format_source

Key = tuple[str, str]  # (the statement's module, "import" for plain imports) , the alias as written


def _statements(text: str) -> list[cst.SimpleStatementLine] | None:
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return None
    statements = []
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            return None
        if not all(isinstance(small, cst.Import | cst.ImportFrom) for small in statement.body):
            return None
        statements.append(statement)
    return statements


def _module(small: cst.Import | cst.ImportFrom) -> str:
    if isinstance(small, cst.Import):
        return "import"
    dots = "." * len(small.relative)
    return "from " + dots + (cst.Module([]).code_for_node(small.module) if small.module is not None else "")


def _alias(alias: cst.ImportAlias) -> str:
    return cst.Module([]).code_for_node(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)).strip()


def _names(statements: list[cst.SimpleStatementLine]) -> dict[Key, cst.ImportAlias]:
    found: dict[Key, cst.ImportAlias] = {}
    for statement in statements:
        for small in statement.body:
            assert isinstance(small, cst.Import | cst.ImportFrom)
            if isinstance(small.names, cst.ImportStar):
                continue  # `import *` is kept as it is: it names nothing to merge
            for alias in small.names:
                found[(_module(small), _alias(alias))] = alias
    return found


def merge(base: str, ours: str, theirs: str) -> str | None:
    """The merged import block, formatted; None when a side is not only imports."""
    sides = [_statements(text) for text in (base, ours, theirs)]
    if any(side is None for side in sides):
        return None
    base_names, our_names, their_names = (_names(side or []) for side in sides)
    removed = set(base_names) - set(our_names)
    added = {key: alias for key, alias in our_names.items() if key not in base_names}
    body: list[cst.SimpleStatementLine] = []
    placed: set[Key] = set()
    for statement in sides[2] or []:
        smalls: list[cst.BaseSmallStatement] = []
        for small in statement.body:
            assert isinstance(small, cst.Import | cst.ImportFrom)
            module = _module(small)
            if isinstance(small.names, cst.ImportStar):
                smalls.append(small)
                continue
            names = [alias for alias in small.names if (module, _alias(alias)) not in removed]
            names += [alias for key, alias in added.items() if key[0] == module and key not in placed]
            placed |= {(module, _alias(alias)) for alias in names}
            names = [alias.with_changes(comma=cst.MaybeSentinel.DEFAULT) for alias in names]
            if names:
                smalls.append(small.with_changes(names=names, lpar=None, rpar=None)
                              if isinstance(small, cst.ImportFrom) else small.with_changes(names=names))
        if smalls:
            body.append(statement.with_changes(body=smalls))
    stars = {_module(small) for side in (sides[0], sides[2]) for statement in side or [] for small in statement.body
             if isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar)}
    for statement in sides[1] or []:  # the user's imports of modules the generator does not import
        smalls = []
        for small in statement.body:
            assert isinstance(small, cst.Import | cst.ImportFrom)
            module = _module(small)
            if isinstance(small.names, cst.ImportStar):
                if module not in stars:
                    smalls.append(small)
                continue
            keys = [key for key in added if key[0] == module and key not in placed]
            if not keys:
                continue
            placed |= set(keys)
            names = [added[key].with_changes(comma=cst.MaybeSentinel.DEFAULT) for key in keys]
            smalls.append(small.with_changes(names=names))
        if smalls:
            body.append(statement.with_changes(body=smalls))
    merged = cst.Module(body=body)
    return format_source(merged.code)

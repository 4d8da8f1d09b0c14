"""What names a statement defines: the one answer upgrade's modules share.

A ``def`` or ``class`` defines its name; an assignment (annotated or not, chained
``a = b = 1`` too) defines each plain name it assigns; imports are not definitions
(:func:`codegen_ast.upgrade.imports.bindings` reads those). Targets that are
attributes, subscripts or tuples define nothing here: upgrade never matches on them.
regenerate's three-way merge matches members on text lines instead
(``regenerate/merge3.py``), because it must also read files that do not parse.
"""

from __future__ import annotations

import libcst as cst


def defined_names(statement: cst.CSTNode) -> list[str]:
    """The names ``statement`` defines, in source order."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return [statement.name.value]
    if not isinstance(statement, cst.SimpleStatementLine):
        return []
    names: list[str] = []
    for small in statement.body:
        if isinstance(small, cst.Assign):
            names += [target.target.value for target in small.targets if isinstance(target.target, cst.Name)]
        elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            names.append(small.target.value)
    return names

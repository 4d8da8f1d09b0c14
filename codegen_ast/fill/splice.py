"""Splice a checked body into a handler module's syntax tree.

The method of the handler class still holding the generated default (``handle``;
``run`` or ``compute`` in the declarative shape) gets the body's statements under a
docstring that says a model wrote them (the manual-completion figure counts
them apart); the module gains imports for the framework and standard-library
names the body uses without importing them.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from codegen_ast import builders as b
from codegen_ast.fill.answer import Body
from codegen_ast.target import ERROR_CODE, ONEX_ERROR, Symbol
from codegen_ast.validate.completeness import MODEL_WRITTEN_MARKER

# names a body may use without importing them: the module imports them for it
PROVIDED_NAMES = {
    symbol.name: symbol
    for symbol in (
        ONEX_ERROR,
        ERROR_CODE,
        Symbol("datetime", "datetime"),
        Symbol("datetime", "date"),
        Symbol("datetime", "timedelta"),
        Symbol("datetime", "UTC"),
        Symbol("decimal", "Decimal"),
        Symbol("uuid", "UUID"),
        Symbol("uuid", "uuid4"),
        Symbol("typing", "cast"),
    )
}


class SpliceError(Exception):
    """The handler module does not have the shape the splice expects (a generator bug)."""


def model_docstring(model: str) -> str:
    return (
        f"{MODEL_WRITTEN_MARKER} ({model}), accepted after the whole validation "
        "(mypy --strict included) and the package's tests."
    )


def splice_body(module: cst.Module, handler_class: str, body: Body, *, model: str, method: str = "handle") -> cst.Module:
    """``module`` with ``handler_class.<method>``'s body replaced by ``body``."""
    found = False

    def replace(statement: cst.BaseStatement) -> cst.BaseStatement:
        nonlocal found
        if not (isinstance(statement, cst.ClassDef) and statement.name.value == handler_class):
            return statement
        members: list[cst.BaseStatement] = []
        for member in statement.body.body:
            if isinstance(member, cst.FunctionDef) and member.name.value == method:
                found = True
                member = member.with_changes(
                    body=b.block([b.docstring_statement(model_docstring(model)), *body.statements])
                )
            members.append(member)  # type: ignore[arg-type]
        return statement.with_changes(body=statement.body.with_changes(body=members))

    statements = [replace(statement) for statement in module.body]
    if not found:
        raise SpliceError(f"no {handler_class}.{method} in the handler module")
    return module.with_changes(body=_with_imports(statements, body))


def _with_imports(statements: list[cst.BaseStatement], body: Body) -> list[cst.BaseStatement]:
    """The module's statements with one import block holding its own imports and the body's needs."""
    imports = b.ImportSet()
    first = last = None
    imported: set[str] = set()
    for index, statement in enumerate(statements):
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 else None
        if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            module = "." * len(small.relative) + (get_full_name_for_node(small.module) or "" if small.module else "")
            names = [get_full_name_for_node(alias.name) or "" for alias in small.names]
            imports.add(module, *names)
            imported.update(names)
        elif isinstance(small, cst.Import):
            for alias in small.names:
                imports.add(get_full_name_for_node(alias.name) or "")
        else:
            continue
        first = index if first is None else first
        last = index
    needed = sorted(name for name in body.free_names if name in PROVIDED_NAMES and name not in imported)
    if not needed:
        return statements
    for name in needed:
        imports.add(PROVIDED_NAMES[name].module, name)
    if first is None or last is None:
        raise SpliceError("the handler module has no imports to extend")
    block = imports.statements()
    opening = statements[first]
    if isinstance(opening, cst.SimpleStatementLine):
        block[0] = block[0].with_changes(leading_lines=opening.leading_lines)
    return [*statements[:first], *block, *statements[last + 1 :]]

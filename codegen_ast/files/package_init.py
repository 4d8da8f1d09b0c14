"""The package's __init__.py files: re-exports with an explicit __all__."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b


def build_reexports(doc: str, exports: list[tuple[str, str]]) -> cst.Module:
    """``from <module> import <name>`` for each pair, then a sorted ``__all__``."""
    imports = b.ImportSet()
    for module, item in exports:
        imports.add(module, item)
    names = sorted(item for _, item in exports)
    body: list[cst.BaseStatement] = [*imports.statements()]
    if names:
        body.append(b.assign("__all__", b.list_(*(b.string_literal(item) for item in names))))
    return b.module(body, doc=doc)

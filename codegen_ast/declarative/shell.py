"""``node.py``: the declarative shell (a docstring and ``__init__(container)``)."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.target import CONTAINER

INIT_DOC = "Initialize the node; its behaviour lives in the handlers its contract routes to."


def shell_init() -> cst.FunctionDef:
    """``def __init__(self, container) -> None: super().__init__(container)``."""
    return b.method(
        "__init__",
        [Param("container", CONTAINER.name)],
        [b.do(b.call(b.attr(b.call("super"), "__init__"), "container"))],
        returns="None",
        doc=INIT_DOC,
    )


def build_shell(
    class_name: str,
    bases: Sequence[b.ExprLike],
    imports: b.ImportSet,
    doc: str,
    module_doc: str,
) -> cst.Module:
    """The shell module: ``imports`` (the bases'), the container under
    TYPE_CHECKING, and ``class <class_name>(<bases>)`` holding only ``__init__``."""
    imports = b.ImportSet().merge(imports).add("__future__", "annotations").add("typing", "TYPE_CHECKING")
    checking = cst.If(
        test=b.name("TYPE_CHECKING"),
        body=cst.IndentedBlock(b.ImportSet().add(CONTAINER.module, CONTAINER.name).statements()),
    )
    shell = b.class_(class_name, bases, [shell_init()], doc=doc)
    exports = b.assign("__all__", b.list_(b.string_literal(class_name)))
    return b.module([*imports.statements(), checking, exports, shell], doc=module_doc)

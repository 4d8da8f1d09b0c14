"""``handler.py``: the node's entry handler, an ``OperationRouter`` over its
operation handlers (what ``handler_routing.default_handler`` names)."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codegen_ast import builders as b

SUPPORT = "onex_support"


def build_entry(
    node: str,
    entry_class: str,
    routes: Sequence[tuple[str, str]],
    request: tuple[str, str],
    answer: tuple[str, str],
) -> cst.Module:
    """``routes``: (module, class) of each operation handler, in order;
    ``request``/``answer``: (module, class) of the models."""
    imports = b.ImportSet().add(f"{SUPPORT}.handlers", "OperationRouter")
    for module, name in (*routes, request, answer):
        imports.add(module, name)
    cls = b.class_(
        entry_class,
        [b.subscript("OperationRouter", request[1], answer[1])],
        [b.assign("routes", cst.Tuple([cst.Element(b.name(name)) for _, name in routes]))],
        doc=f"The entry handler of {node}: routes a request to the handler of its operation.",
    )
    exports = b.assign("__all__", b.list_(b.string_literal(entry_class)))
    return b.module(
        [*imports.statements(), exports, cls],
        doc=f"{node}'s entry handler (handler_routing.default_handler).",
    )

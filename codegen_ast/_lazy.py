"""Names a package exports but imports on first use (PEP 562), so that importing
the package stays cheap: ``codegen_ast`` for the CLI's ``--help``, and
``codegen_ast.validate`` for a fresh ``new``, which starts its validation workers
from one of its light submodules before loading the rest."""

from __future__ import annotations

import importlib
from collections.abc import Callable, MutableMapping


def lazy_exports(package: str, exports: dict[str, str], namespace: MutableMapping[str, object]) -> Callable[[str], object]:
    """The module ``__getattr__`` of ``package``: ``exports`` maps a public name to the
    module that defines it; the value found is kept in ``namespace`` (the package's
    globals), so later lookups skip the function."""

    def __getattr__(name: str) -> object:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__

"""Where a model's body goes in each shape of package.

Imperative: the ``handle`` method of ``handlers/handler_<operation>.py``'s class.
Declarative: the operation handler's own method, ``run`` (``compute`` when the
operation is answered cache-aside: ``run`` then asks the cache, which calls it).
Either way the method to fill is the one whose docstring says it is the generated
default; a handler whose operation a declaration carries out has none.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from codegen_ast.declarative.names import DeclarativeNames
from codegen_ast.spec import NodeSpec
from codegen_ast.validate.completeness import GENERATED_DEFAULT_MARKER

IMPERATIVE_METHODS = ("handle",)
DECLARATIVE_METHODS = ("run", "compute")


def _methods(source: str, names: tuple[str, ...]) -> list[tuple[str, str]] | None:
    """(name, docstring) of each method called one of ``names`` in ``source``'s classes; None when it does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    return [
        (node.name, ast.get_docstring(node) or "")
        for cls in tree.body if isinstance(cls, ast.ClassDef)
        for node in cls.body
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef) and node.name in names
    ]


@dataclass(frozen=True)
class FillShape:
    """The files and method of one shape of package."""

    declarative: bool

    @property
    def methods(self) -> tuple[str, ...]:
        return DECLARATIVE_METHODS if self.declarative else IMPERATIVE_METHODS

    def handler_path(self, spec: NodeSpec, operation: str) -> str:
        if self.declarative:
            return f"handlers/{DeclarativeNames.handler_module(operation)}.py"
        return f"handlers/{spec.handler_file(operation)}.py"

    def handler_class(self, spec: NodeSpec, operation: str) -> str:
        return DeclarativeNames.handler_class(operation) if self.declarative else spec.handler_class(operation)

    def model_paths(self, spec: NodeSpec) -> tuple[str, str]:
        """The input and output model modules."""
        if self.declarative:
            names = DeclarativeNames.of(spec)
            return f"models/{names.request_module}.py", f"models/{names.answer_module}.py"
        return f"models/{spec.input_model_file}.py", f"models/{spec.output_model_file}.py"

    def context_paths(self, spec: NodeSpec) -> list[tuple[str, str]]:
        """Further modules the prompt shows: (what it is, path)."""
        if not self.declarative:
            return []
        module = DeclarativeNames.of(spec).registry_module
        return [("THE NODE'S RESOURCES (the `resources` argument)", f"registry/{module}.py")]

    def open_method(self, source: str) -> str | None:
        """The method of ``source`` still holding the generated default, if one does."""
        for name, doc in _methods(source, self.methods) or []:
            if doc.startswith(GENERATED_DEFAULT_MARKER):
                return name
        return None

    def declared(self, source: str) -> bool:
        """A handler of this shape whose body was derived or written (an example to show)."""
        found = _methods(source, self.methods)
        return bool(found) and not any(doc.startswith(GENERATED_DEFAULT_MARKER) for _, doc in found or [])


def shape_of(declarative: bool) -> FillShape:
    return FillShape(declarative)

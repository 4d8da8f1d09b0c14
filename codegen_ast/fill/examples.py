"""Examples for the prompt: handlers this project generated from declarations.

First the node's own declared handlers, then those of the other packages in
the output folder (what this project already generated), and when there are
none, a handler codegen-ast generates from a small built-in declaration (a
formula with a division: it shows the typed error a handler raises). Only
handlers of the package's own shape (``FillShape``): an imperative ``handle``
is no example for a declarative ``run``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from codegen_ast.fill.prompt import Example
from codegen_ast.fill.shape import FillShape
from codegen_ast.validate.completeness import MANIFEST

MAX_EXAMPLES = 2
MAX_LINES = 90  # an example longer than this is left out: it would crowd the prompt
_SCANNED_PACKAGES = 40


def declared_handler(source: str, shape: FillShape = FillShape(declarative=False)) -> bool:
    """A handler module of ``shape`` whose body is not a generated default (it was derived or written)."""
    return shape.declared(source)


def _fits(source: str) -> bool:
    return len(source.splitlines()) <= MAX_LINES


def project_examples(
    files: Mapping[str, str],
    output_dir: Path | None,
    own: str | None = None,
    shape: FillShape = FillShape(declarative=False),
) -> list[Example]:
    """``own`` is the package being generated: its earlier copy in the output folder is
    not an example (a model's earlier answer there would change the prompt, so a
    recording would never answer the same request again)."""
    found: list[Example] = []
    for path, source in sorted(files.items()):
        if path.startswith("handlers/handler_") and _fits(source) and declared_handler(source, shape):
            found.append(Example(f"a handler generated from this node's declarations ({path})", source))
    if output_dir is not None and output_dir.is_dir():
        packages = sorted(p.parent for p in output_dir.glob(f"*/{MANIFEST}") if p.parent.name != own)
        packages = packages[:_SCANNED_PACKAGES]
        for package in packages:
            for handler in sorted(package.glob("handlers/handler_*.py")):
                try:
                    source = handler.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                if _fits(source) and declared_handler(source, shape):
                    found.append(Example(f"a handler of {package.name} ({handler.relative_to(package).as_posix()})", source))
                    break  # one per package: variety over volume
            if len(found) >= MAX_EXAMPLES:
                break
    return found[:MAX_EXAMPLES] or [builtin_example(shape)]


def builtin_example(shape: FillShape = FillShape(declarative=False)) -> Example:
    from codegen_ast.declarative.generate import generate_declarative
    from codegen_ast.emit import emit
    from codegen_ast.files.handlers import build_handler
    from codegen_ast.generate import node_context
    from codegen_ast.spec import NodeSpec

    spec = NodeSpec.model_validate(
        {
            "name": "unit_price",
            "node_type": "compute",
            "description": "Price of one unit from a line's total and quantity.",
            "operations": [{"name": "price_unit", "description": "Divide the line total by the quantity."}],
            "input_fields": [{"name": "total", "type": "float"}, {"name": "quantity", "type": "int"}],
            "output_fields": [{"name": "unit_price", "type": "float", "formula": "round(total / quantity, 2)"}],
        }
    )
    if shape.declarative:
        source = generate_declarative(spec).files[shape.handler_path(spec, "price_unit")]
    else:
        source = emit(build_handler(node_context(spec), spec.operations[0]))
    return Example("a handler codegen-ast generates from a formula (another node)", source)

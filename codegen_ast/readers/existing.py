"""Whether a model a contract names exists: importable here, and a pydantic model.

The module is first found without running it or its parent packages and its
source read for a top-level definition or import of the name; only then is it
imported, to learn the model's fields and ancestry. A module that does not exist,
does not define the name, or fails to import is "not existing": the generator
writes the model under the contract's name (said in a warning).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any


def _named_in_source(origin: str, name: str) -> bool:
    try:
        tree = ast.parse(Path(origin).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return False
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any((a.asname or a.name) == name for a in node.names):
            return True
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return True
    return False


def existing_model(module: str, name: str) -> dict[str, Any] | None:
    """``{fields, required, ancestry}`` of ``module.name`` when it exists, else None."""
    from codegen_ast.validate._probe import _find_spec as find_spec_unrun  # stdlib only; loaded when a model is named

    try:
        spec = find_spec_unrun(module)  # no parent package runs before the source shows the name
    except Exception:  # a part missing, or a name the import system refuses
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py") or not _named_in_source(spec.origin, name):
        return None
    try:
        found = getattr(importlib.import_module(module), name, None)
    except Exception:
        return None
    fields = getattr(found, "model_fields", None)
    if not isinstance(found, type) or not isinstance(fields, dict):
        return None
    required = sorted(name for name, info in fields.items() if callable(getattr(info, "is_required", None)) and info.is_required())
    return {
        "fields": sorted(fields),
        "required": required,
        "ancestry": [f"{c.__module__}.{c.__qualname__}" for c in found.__mro__],
    }


def filled(module: str, name: str, missing: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Defaults for the ``missing`` required fields of the existing ``module.name``
    (:mod:`codegen_ast.readers.fillers`); raises Unfillable when one has none."""
    from codegen_ast.readers.fillers import fillers

    return fillers(getattr(importlib.import_module(module), name), missing)

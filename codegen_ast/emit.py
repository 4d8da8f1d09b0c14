"""Syntax tree -> formatted source: black in-process, with a stability check."""

from __future__ import annotations

import black
import libcst as cst

from codegen_ast.errors import CodegenError

_MODE = black.Mode(target_versions={black.TargetVersion.PY312})


class EmitError(CodegenError):
    """A generated tree did not format to stable, valid Python (a generator bug)."""

    exit_code = 1


def format_source(source: str) -> str:
    try:
        return black.format_str(source, mode=_MODE)
    except black.InvalidInput as error:  # pragma: no cover - a builder bug
        raise EmitError(f"generated code does not parse: {error}") from error


def emit(tree: cst.Module, *, check_stable: bool = False) -> str:
    """Render ``tree`` and format it with black.

    ``check_stable`` formats a second time and fails if black would change its
    own output, which is how the tests prove every file is black-stable.
    """
    formatted = format_source(tree.code)
    if check_stable and format_source(formatted) != formatted:
        raise EmitError("black output is not stable for a generated module")
    return formatted

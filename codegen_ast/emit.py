"""Syntax tree -> formatted source: black in-process, with a stability check."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import black
from black.mode import TargetVersion
from black.parsing import InvalidInput
import libcst as cst

from codegen_ast.errors import CodegenError

_MODE = black.Mode(target_versions={TargetVersion.PY312})


class EmitError(CodegenError):
    """A generated tree did not format to stable, valid Python (a generator bug)."""

    exit_code = 1


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector paused, then collect once.

    black builds cyclic parse trees (65,000 objects for the largest node.py);
    with the collector on, a collection every 700 allocations keeps
    re-traversing the trees still in use (a fifth of black's time). One
    young-generation collection afterwards frees the same garbage for less: 20%
    less CPU per generated package. Paused around one file at a time, so the
    garbage waiting for that collection is one file's and peak memory does not
    grow (benchmarks/README.md). Nested use is a no-op.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def format_source(source: str) -> str:
    try:
        with collector_paused():
            return black.format_str(source, mode=_MODE)
    except InvalidInput as error:  # pragma: no cover - a builder bug
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

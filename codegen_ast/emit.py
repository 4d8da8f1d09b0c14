"""Syntax tree -> formatted source: black in-process, or (for the declarative shape)
ruff's formatter when it is installed beside us, one process per package.

``ruff format`` writes black's bytes for every file of the declarative shape
(``tests/test_formatter_identity.py`` proves it on the whole golden corpus and the
examples, black being the reference) at about a quarter of black's cost: black
parses each file twice (its first pass always changes LibCST's rendering, so it
settles trailing commas in a second), ruff once. The imperative shape keeps black:
ruff lays out three of its constructs differently (a conditional expression as a
keyword or dict value, a docstring's closing quotes). ``CODEGEN_AST_FORMATTER=black``
formats with black alone.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import sysconfig
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from typing import TYPE_CHECKING, Any

from codegen_ast.errors import CodegenError
from codegen_ast.scratch import scratch_folder

if TYPE_CHECKING:
    import libcst as cst

# black is imported on first use (about a fifth of a second): the declarative shape
# formats with ruff and never needs it. Its mode: line length 88, Python 3.12.
LINE_LENGTH = 88
# black's mode, said to ruff; --isolated: no user configuration, --no-cache: no .ruff_cache
_RUFF_FLAGS = ["format", "--isolated", "--no-cache", "--quiet", "--line-length", str(LINE_LENGTH),
               "--target-version", "py312"]


@cache
def _black_mode() -> Any:
    import black
    from black.mode import TargetVersion

    mode = black.Mode(target_versions={TargetVersion.PY312})
    assert mode.line_length == LINE_LENGTH
    return mode
_RUFF_TIMEOUT_S = 60
# ruff formats on one thread up to this many files (a package has 10-40)
_ONE_THREAD_UP_TO = 64


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
    import black
    from black.parsing import InvalidInput

    mode = _black_mode()
    try:
        with collector_paused():
            return str(black.format_str(source, mode=mode))
    except InvalidInput as error:  # a builder bug
        raise EmitError(f"generated code does not parse: {error}") from error


@cache
def ruff_binary() -> str | None:
    """The ``ruff`` of this environment (never another on PATH: its version is the one tested), or None."""
    if os.environ.get("CODEGEN_AST_FORMATTER", "").strip().lower() == "black":
        return None
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / "ruff"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def format_sources(sources: Mapping[str, str], *, ruff: bool = True) -> dict[str, str]:
    """Each text formatted in black's style: all in one ``ruff format`` call when ``ruff``
    and ruff is here, else (or when ruff fails) black file by file."""
    return Formatting(sources, ruff=ruff).result()


class Formatting:
    """Texts being formatted: ``ruff format`` runs in its own process from the moment
    this is made, while the caller does other work; :meth:`result` waits for it (or
    formats with black, when ruff is not to be used or fails)."""

    def __init__(self, sources: Mapping[str, str], *, ruff: bool = True) -> None:
        self.sources = dict(sources)
        self._folder: Path | None = None
        self._names: dict[str, Path] = {}
        self._process: subprocess.Popen[bytes] | None = None
        binary = ruff_binary() if ruff else None
        if binary is not None and len(sources) > 1:
            self._start_ruff(binary)

    def _start_ruff(self, binary: str) -> None:
        environment = None
        if len(self.sources) <= _ONE_THREAD_UP_TO and "RAYON_NUM_THREADS" not in os.environ:
            # a package's few small files: starting a thread per core costs more than it saves
            environment = {**os.environ, "RAYON_NUM_THREADS": "1"}
        try:
            self._folder = scratch_folder("codegen-ast-format-")
            self._names = {path: self._folder / f"{index}.py" for index, path in enumerate(self.sources)}
            for path, name in self._names.items():
                name.write_text(self.sources[path], encoding="utf-8")
            self._process = subprocess.Popen([binary, *_RUFF_FLAGS, *map(str, self._names.values())],
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
        except OSError:
            self._process = None  # black formats them in result()

    def result(self) -> dict[str, str]:
        try:
            formatted = self._ruff_result()
        finally:
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
                self._folder = None
        if formatted is not None:
            return formatted
        return {path: format_source(source) for path, source in self.sources.items()}

    def _ruff_result(self) -> dict[str, str] | None:
        process, self._process = self._process, None
        if process is None:
            return None
        try:
            returncode = process.wait(timeout=_RUFF_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return None
        if returncode != 0:
            return None  # black says what does not parse
        return {path: name.read_text(encoding="utf-8") for path, name in self._names.items()}


def emit(tree: cst.Module, *, check_stable: bool = False) -> str:
    """Render ``tree`` and format it with black.

    ``check_stable`` formats a second time and fails if black would change its
    own output, which is how the tests prove every file is black-stable.
    """
    return emit_all({"": tree}, check_stable=check_stable)[""]


def emit_all(trees: Mapping[str, cst.Module], *, check_stable: bool = False, ruff: bool = False) -> dict[str, str]:
    """Render and format every tree (path -> tree) in one go (``ruff``: may format with
    ruff, for code proven identical); ``check_stable`` as in :func:`emit`."""
    return finish_emit(start_emit(trees, ruff=ruff), check_stable=check_stable)


def start_emit(trees: Mapping[str, cst.Module], *, ruff: bool = False) -> Formatting:
    """Render every tree and start formatting them (see :class:`Formatting`); finish
    with :func:`finish_emit`."""
    codes = {path: tree.code for path, tree in trees.items()}
    return Formatting(codes, ruff=ruff)


def finish_emit(formatting: Formatting, *, check_stable: bool = False) -> dict[str, str]:
    """The formatted texts of :func:`start_emit`; ``check_stable`` as in :func:`emit`."""
    formatted = formatting.result()
    if check_stable:
        for path, text in formatted.items():
            if format_source(text) != text:
                raise EmitError(f"black output is not stable for the generated module {path or '(one file)'}")
    return formatted

"""The files one validation run looks at, read and parsed once.

``discover`` turns the paths a user gave into a :class:`Workspace`: every Python
file and every ``contract.yaml`` below them, with hidden folders, caches and
virtual environments left out. Each Python file is read and parsed once; the
stages share the result.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from codegen_ast.errors import CodegenError
from codegen_ast.walk import Excludes, walk

CONTRACT_NAME = "contract.yaml"


class ValidationInputError(CodegenError):
    """The paths or the environment given to the validator cannot be used (exit code 2)."""


@dataclass
class SourceFile:
    """One Python file: its text and syntax tree, or why it has none."""

    path: Path  # absolute
    display: str
    text: str = ""
    tree: ast.Module | None = None
    syntax_error: SyntaxError | None = None
    decode_error: str | None = None

    @classmethod
    def read(cls, path: Path, display: str) -> SourceFile:
        source = cls(path=path, display=display)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ValidationInputError(f"{display}: cannot read: {error.strerror}") from error
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            source.text = data.decode(encoding)
        except (SyntaxError, UnicodeDecodeError, LookupError) as error:
            source.decode_error = f"not readable as Python source text: {error}"
            return source
        try:
            tree = ast.parse(source.text, str(path))
            # compile() also rejects what ast.parse accepts (a `return` outside a
            # function, `nonlocal` at module level): "the file compiles". Given the
            # tree, it does not parse the text a second time.
            compile(tree, str(path), "exec", dont_inherit=True)
            source.tree = tree
        except SyntaxError as error:
            source.syntax_error = error
        except ValueError as error:  # null bytes
            source.decode_error = str(error)
        return source

    @property
    def ok(self) -> bool:
        """True when the file parsed: the AST-based stages can look at it."""
        return self.tree is not None

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @cached_property
    def tokens(self) -> list[tokenize.TokenInfo]:
        if not self.ok:
            return []
        return list(tokenize.generate_tokens(io.StringIO(self.text).readline))

    @property
    def is_test(self) -> bool:
        name = self.path.name
        return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


@dataclass
class Workspace:
    """Everything one run validates, in a stable order."""

    inputs: list[Path]
    sources: list[SourceFile] = field(default_factory=list)
    contracts: list[Path] = field(default_factory=list)
    display_root: Path | None = None

    def display(self, path: Path) -> str:
        """``path`` relative to the display root (or the current folder) when inside it, else absolute."""
        try:
            return path.relative_to(self._display_base).as_posix()
        except ValueError:
            return path.as_posix()

    @cached_property
    def _display_base(self) -> Path:
        return (self.display_root if self.display_root is not None else Path.cwd()).resolve()

    def source_at(self, path: Path) -> SourceFile | None:
        for source in self.sources:
            if source.path == path:
                return source
        return None

    @property
    def files(self) -> list[str]:
        shown = [source.display for source in self.sources]
        shown += [self.display(path) for path in self.contracts]
        return sorted(shown)


def wanted(name: str) -> bool:
    return name.endswith(".py") or name == CONTRACT_NAME


def discover(
    paths: Iterable[str | Path], display_root: Path | None = None, excludes: Excludes | None = None
) -> Workspace:
    """Read every Python file and contract below ``paths`` (what git ignores and
    ``excludes`` names left out); raise on unusable input."""
    inputs = [Path(path) for path in paths]
    if not inputs:
        raise ValidationInputError("nothing to validate: give at least one file or folder")
    workspace = Workspace(inputs=inputs, display_root=display_root)
    seen: set[Path] = set()
    for given in inputs:
        if not given.exists():
            raise ValidationInputError(f"{given}: no such file or folder")
        if given.is_dir():
            found = list(walk(given, wanted, excludes))
            if not found:
                raise ValidationInputError(
                    f"{given}: no Python files or {CONTRACT_NAME} in this folder"
                )
        elif given.suffix == ".py" or given.name == CONTRACT_NAME:
            found = [] if excludes is not None and excludes.excluded(given, is_dir=False) else [given]
        else:
            raise ValidationInputError(
                f"{given}: not a Python file or {CONTRACT_NAME}; give a node package folder or .py files"
            )
        for path in found:
            absolute = path.resolve()
            if absolute in seen:
                continue
            seen.add(absolute)
            if absolute.name == CONTRACT_NAME:
                workspace.contracts.append(absolute)
            else:
                workspace.sources.append(SourceFile.read(absolute, workspace.display(absolute)))
    workspace.sources.sort(key=lambda source: source.display)
    workspace.contracts.sort(key=workspace.display)
    return workspace

"""The files below a folder that a command looks at.

A walk leaves out what git ignores (every ``.gitignore`` from the top of the
repository down, and ``.git/info/exclude``), what ``--exclude`` and the
``exclude`` setting name (gitignore patterns, matched with pathspec), hidden
folders, caches and virtual environments.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pathspec import GitIgnoreSpec

# Folders that hold copies or caches, never the code under review. Virtual
# environments are recognised by their pyvenv.cfg, whatever their name.
SKIPPED_DIRS = frozenset({"__pycache__", "node_modules", "site-packages", "build", "dist"})


def _spec_of(file: Path) -> GitIgnoreSpec | None:
    try:
        return GitIgnoreSpec.from_lines(file.read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return None


def _repository_top(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        if (folder / ".git").exists():
            return folder
    return None


@dataclass
class Excludes:
    """Patterns (gitignore syntax), each set relative to its own folder."""

    patterns: list[tuple[Path, GitIgnoreSpec]] = field(default_factory=list)

    @classmethod
    def of(cls, *sets: tuple[Path, Sequence[str]]) -> Excludes:
        return cls([(root.resolve(), GitIgnoreSpec.from_lines(list(lines))) for root, lines in sets if lines])

    def excluded(self, path: Path, *, is_dir: bool) -> bool:
        if not self.patterns:
            return False
        absolute = path.resolve()
        for root, spec in self.patterns:
            if absolute == root or not absolute.is_relative_to(root):
                continue
            relative = absolute.relative_to(root).as_posix() + ("/" if is_dir else "")
            if spec.match_file(relative):
                return True
        return False


class _GitIgnores:
    """The .gitignore files that apply inside a repository, loaded as the walk goes."""

    def __init__(self, start: Path) -> None:
        self.top = _repository_top(start)
        self.specs: dict[Path, GitIgnoreSpec | None] = {}

    def _for(self, folder: Path) -> GitIgnoreSpec | None:
        if folder not in self.specs:
            file = folder / ".gitignore"
            self.specs[folder] = _spec_of(file) if file.is_file() else None
        return self.specs[folder]

    def ignored(self, path: Path, *, is_dir: bool) -> bool:
        if self.top is None:
            return False  # not in a repository: nothing to resolve
        path = path.resolve()
        if not path.is_relative_to(self.top):
            return False
        decision: bool | None = None
        layers: list[tuple[Path, GitIgnoreSpec | None]] = []
        info = self.top / ".git" / "info" / "exclude"
        if info.is_file():
            layers.append((self.top, _spec_of(info)))
        folder = path.parent
        chain = [folder, *folder.parents]
        for ancestor in reversed(chain[: chain.index(self.top) + 1] if self.top in chain else []):
            layers.append((ancestor, self._for(ancestor)))
        for root, spec in layers:  # the deepest file decides, as in git
            if spec is None:
                continue
            relative = path.relative_to(root).as_posix() + ("/" if is_dir else "")
            result = spec.check_file(relative)
            if result.include is not None:
                decision = result.include
        return bool(decision)


def _skipped(directory: Path) -> bool:
    name = directory.name
    return name.startswith(".") or name in SKIPPED_DIRS or (directory / "pyvenv.cfg").exists()


def walk(directory: Path, wanted: Callable[[str], bool], excludes: Excludes | None = None) -> Iterator[Path]:
    """The wanted files below ``directory`` (by file name), in a stable order."""
    excludes = excludes or Excludes()
    ignores = _GitIgnores(directory.resolve())
    for current, dirnames, filenames in os.walk(directory):
        here = Path(current)
        dirnames[:] = sorted(
            name for name in dirnames
            if not _skipped(here / name)
            and not ignores.ignored(here / name, is_dir=True)
            and not excludes.excluded(here / name, is_dir=True)
        )
        for name in sorted(filenames):
            path = here / name
            if wanted(name) and not ignores.ignored(path, is_dir=False) and not excludes.excluded(path, is_dir=False):
                yield path

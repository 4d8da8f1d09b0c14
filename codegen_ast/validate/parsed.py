"""What the validator reads from Python files, read once per process.

Every validation of a generated package reads the same files again: the
framework's modules (a package imports ~33 of them) and the shared
``onex_support`` folder staged beside each package in a new temporary folder.
Results are kept by the file's content (its SHA-256), found through its path,
size and modification time, so a file staged again under another path is not
parsed again, and an edited file is. Both tables are bounded (oldest out first),
so a long run over many packages does not grow without end.
"""

from __future__ import annotations

import ast
import atexit
import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, cast

_LIMIT = 4096
_K = TypeVar("_K")
_V = TypeVar("_V")
_T = TypeVar("_T")


class Bounded(OrderedDict[_K, _V]):
    """A table that forgets its oldest entries past :data:`_LIMIT`."""

    def keep(self, key: _K, value: _V) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > _LIMIT:
            self.popitem(last=False)


_DIGESTS: Bounded[tuple[str, int, int], tuple[str, bytes]] = Bounded()  # (path, size, mtime_ns) -> (digest, content)
_RESULTS: Bounded[tuple[str, object], object] = Bounded()  # (what, digest) -> what was made of such a file


def read(path: Path) -> tuple[str, bytes] | None:
    """(content digest, content) of ``path``, None when it cannot be read."""
    try:
        status = path.stat()
        key = (str(path), status.st_size, status.st_mtime_ns)
        known = _DIGESTS.get(key)
        if known is not None:
            return known
        data = path.read_bytes()
    except OSError:
        return None
    found = (hashlib.sha256(data).hexdigest(), data)
    _DIGESTS.keep(key, found)
    return found


def from_file(path: Path, what: str, make: Callable[[bytes, Path], _T]) -> _T | None:
    """``make(content, path)`` for the file at ``path``, made once per content and ``what``."""
    found = read(path)
    if found is None:
        return None
    digest, data = found
    key = (what, digest)
    if key not in _RESULTS:
        _RESULTS.keep(key, make(data, path))
    return cast(_T, _RESULTS[key])


def _parse(data: bytes, path: Path) -> ast.Module | None:
    try:
        return ast.parse(data, str(path))
    except (SyntaxError, ValueError):
        return None


def module_tree(path: Path) -> ast.Module | None:
    """The syntax tree of the file at ``path`` (shared: never change it), None when it does not parse."""
    return from_file(path, "tree", _parse)


def import_froms(tree: ast.Module) -> list[ast.ImportFrom]:
    """Every ``from X import y`` anywhere in ``tree`` (kept while the tree is)."""
    key = ("imports", id(tree))
    known = _RESULTS.get(key)
    if isinstance(known, tuple) and known[0] is tree:
        return cast(list[ast.ImportFrom], known[1])
    found = [item for item in ast.walk(tree) if isinstance(item, ast.ImportFrom)]
    _RESULTS.keep(key, (tree, found))
    return found


def forget() -> None:
    """Empty both tables (the benchmark measures validation without them)."""
    _DIGESTS.clear()
    _RESULTS.clear()


class DiskTable:
    """A small JSON table kept in the user's cache folder between processes:
    ``codegen-ast/<name>-<key>.json``, read on first use, written at exit when it
    grew. For what a fresh process would otherwise work out again from files that do
    not change (the framework's modules, the onex_support codegen-ast ships). A file
    that cannot be read or written is ignored."""

    def __init__(self, name: str, key: Callable[[], str]) -> None:
        self.name = name
        self.key = key
        self._rows: dict[str, object] | None = None
        self._dirty = False

    def path(self) -> Path:
        import platformdirs

        return Path(platformdirs.user_cache_dir("codegen-ast", appauthor=False)) / f"{self.name}-{self.key()}.json"

    def _load(self) -> dict[str, object]:
        if self._rows is None:
            try:
                rows = json.loads(self.path().read_text(encoding="utf-8"))
            except (OSError, ValueError):
                rows = {}
            self._rows = rows if isinstance(rows, dict) else {}
        return self._rows

    def get(self, key: str) -> object | None:
        return self._load().get(key)

    def put(self, key: str, value: object) -> None:
        rows = self._load()
        if rows.get(key) != value:
            rows[key] = value
            if not self._dirty:
                self._dirty = True
                atexit.register(self.save)

    def save(self) -> None:
        if not self._dirty or self._rows is None:
            return
        if write_json(self.path(), self._rows):
            self._dirty = False


def write_json(target: Path, data: object) -> bool:
    """Write ``data`` as JSON to ``target`` whole or not at all (a reader never sees half); False when it cannot."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        return False
    return True

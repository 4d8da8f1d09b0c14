"""Upgrade files on disk: find them, upgrade them (in parallel), write them atomically.

Workers only read and compute; the parent process writes, so an interrupted
run never leaves a half-written file. A file is read as Python reads it (a
UTF-8 byte-order mark, a PEP 263 coding line) and written back in the same
encoding with its own line endings; a symbolic link keeps pointing at its
target, which is what gets rewritten. Scaffold adoption also brings the
stub's contract.yaml in line with the framework's contract model (see
:mod:`codegen_ast.upgrade.contract`), which needs the target Python.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import tempfile
import threading
import tokenize
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from codegen_ast.errors import CodegenError
from codegen_ast.upgrade.engine import UpgradeResult, upgrade
from codegen_ast.validate.contracts import read_contract
from codegen_ast.validate.source import CONTRACT_NAME
from codegen_ast.walk import Excludes, walk


class UpgradeInputError(CodegenError):
    """A path given to ``codegen-ast upgrade`` cannot be used."""


@dataclass
class ContractChange:
    path: Path
    original: str
    text: str
    done: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.original


@dataclass
class FileUpgrade:
    path: Path
    result: UpgradeResult
    contract: ContractChange | None = None
    encoding: str = "utf-8"  # as Python reads the file: "utf-8-sig" when it starts with a BOM

    @property
    def changed(self) -> bool:
        return self.result.changed or (self.contract is not None and self.contract.changed)


def python_files(paths: Iterable[str | Path], excludes: Excludes | None = None) -> list[Path]:
    """The .py files below ``paths`` (what git ignores, ``excludes``, hidden folders,
    caches and virtual environments left out)."""
    found: dict[Path, None] = {}
    for given in map(Path, paths):
        if given.is_dir():
            found |= dict.fromkeys(walk(given, lambda name: name.endswith(".py"), excludes))
        elif given.suffix == ".py" and given.is_file():
            if excludes is None or not excludes.excluded(given, is_dir=False):
                found[given] = None
        elif not given.exists():
            raise UpgradeInputError(f"{given}: no such file or folder")
        else:
            raise UpgradeInputError(f"{given}: not a Python file or a folder")
    return sorted(found)


def read_python(path: Path) -> tuple[str, str]:
    """The text of a Python file and its encoding, decoded as the interpreter does."""
    data = path.read_bytes()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding), encoding


def upgrade_file(path: Path, add: tuple[str, ...] | None) -> FileUpgrade:
    try:
        text, encoding = read_python(path)
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError) as error:
        return FileUpgrade(path, UpgradeResult("", "", error=f"cannot read it: {error}"))
    # files that cannot hold a node class are not parsed at all
    if "class " not in text:
        return FileUpgrade(path, UpgradeResult(text, text), encoding=encoding)
    result = upgrade(text, add=add)
    if result.changed:
        try:
            result.source.encode(encoding)
        except UnicodeEncodeError as error:
            bad = result.source[error.start : error.end]
            return FileUpgrade(path, UpgradeResult(text, text, error=f"the upgrade would add {bad!r}, which its "
                                                   f"encoding {encoding} cannot hold: save the file as UTF-8"))
    return FileUpgrade(path, result, encoding=encoding)


def _upgrade_one(job: tuple[Path, tuple[str, ...] | None]) -> FileUpgrade:
    return upgrade_file(*job)


def upgrade_files(
    paths: Iterable[str | Path],
    *,
    add: Iterable[str] | None = None,
    jobs: int = 1,
    python: str | None = None,
    excludes: Excludes | None = None,
) -> list[FileUpgrade]:
    """Upgrade every Python file below ``paths`` in memory (nothing is written)."""
    concerns = None if add is None else tuple(add)
    files = python_files(paths, excludes)
    work = [(path, concerns) for path in files]
    if jobs > 1 and len(work) > 1:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_worker_context()) as pool:
            results = list(pool.map(_upgrade_one, work, chunksize=max(1, len(work) // (jobs * 4))))
    else:
        results = [_upgrade_one(item) for item in work]
    _adopt_contracts(results, python)
    return results


def _worker_context() -> multiprocessing.context.BaseContext:
    """fork (workers start warm, nothing is imported again) unless this process
    runs threads, which a fork can deadlock; then forkserver, which needs the
    caller's main module to be import-safe (``if __name__ == "__main__":``)."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["codegen_ast.upgrade.engine"])
    return context


def _adopt_contracts(results: list[FileUpgrade], python: str | None) -> None:
    adopted = [
        (item, node) for item in results for node in item.result.nodes if "scaffold" in node.concerns and item.result.changed
    ]
    if not adopted:
        return
    from codegen_ast.upgrade.contract import adopt_contract
    from codegen_ast.validate.target_env import TargetPython

    target = TargetPython(python)
    for item, node in adopted:
        path = item.path.parent / CONTRACT_NAME
        if path.is_file() and item.contract is None:
            original, refused = read_contract(path)
            if original is None:  # too large, too deep, an alias bomb, not UTF-8: never sent to the framework
                assert refused is not None
                item.contract = ContractChange(path, "", "", left=[f"{path.name}:{refused.line}: {refused.message}"])
                continue
            text, done, left = adopt_contract(path, node.spec.description, target)
            item.contract = ContractChange(path, original, text, done, left)


def write_atomically(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Replace the file at ``path`` (a link's target) with ``text`` in one step, keeping its permissions."""
    path = Path(os.path.realpath(path))
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline="") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write(item: FileUpgrade) -> None:
    if item.result.changed:
        write_atomically(item.path, item.result.source, item.encoding)
    if item.contract is not None and item.contract.changed:
        write_atomically(item.contract.path, item.contract.text)

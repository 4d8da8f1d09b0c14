"""Where a package is, and what in it is the user's.

A package is the folder holding ``codegen-manifest.json``; any path inside it
leads to it. What ``new --force`` would destroy is everything the manifest
cannot vouch for: files it does not know, files whose hash differs, symbolic
links and empty folders.
"""

from __future__ import annotations

from pathlib import Path

from codegen_ast.errors import InputProblem, SpecError
from codegen_ast.manifest import MANIFEST, digest, read_manifest

# never the user's work: caches that tools write into a package
_CACHES = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"})


def enclosing_package(path: Path) -> Path | None:
    """The package folder ``path`` is in (or is), or None."""
    start = path.resolve()
    for folder in [start, *start.parents]:
        if (folder / MANIFEST).is_file():
            return folder
    return None


def find_package(path: Path) -> Path:
    """The package folder for a path a user gave: itself, or the package it is in.

    A folder without any manifest above it is taken as a package whose manifest
    was lost when it looks like one (a node.py or a contract.yaml)."""
    found = enclosing_package(path)
    if found is not None:
        return found
    if path.is_dir() and ((path / "node.py").is_file() or (path / "contract.yaml").is_file()):
        return path.resolve()
    raise SpecError(
        [InputProblem(path, None, None, f"not inside a package written by codegen-ast (no {MANIFEST} here or above)")]
    )


def user_work(root: Path) -> list[str]:
    """What in ``root`` the manifest does not vouch for, one line each ("path (why)")."""
    manifest = read_manifest(root)
    found: list[str] = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if _CACHES & set(path.relative_to(root).parts) or relative == MANIFEST:
            continue
        if path.is_symlink():
            found.append(f"{relative} (a symbolic link)")
        elif path.is_dir():
            if not any(path.iterdir()):
                found.append(f"{relative}/ (an empty folder)")
        elif relative not in manifest.hashes:
            found.append(f"{relative} (not generated: yours)")
        elif digest(path.read_text(encoding="utf-8", errors="replace")) != manifest.hashes[relative]:
            found.append(f"{relative} (edited)")
    if manifest.problem is not None and not found:
        found.append(f"{MANIFEST} ({manifest.problem.split(': ', 1)[-1]}: every file may be edited)")
    return found

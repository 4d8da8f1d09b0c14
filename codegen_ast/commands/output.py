"""What `new` and `regenerate` share: comparing a package with the disk."""

from __future__ import annotations

import difflib
from pathlib import Path

from codegen_ast.generate import GeneratedPackage


def changed_files(package: GeneratedPackage, target: Path) -> list[str]:
    """Files whose text on disk differs from the package's (missing ones too)."""
    changed = []
    for relative, text in sorted(package.files.items()):
        path = target / relative
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            changed.append(relative)
    return changed


def unified_diff(package: GeneratedPackage, target: Path) -> str:
    chunks: list[str] = []
    for relative in changed_files(package, target):
        path = target / relative
        before = path.read_text(encoding="utf-8").splitlines(keepends=True) if path.is_file() else []
        after = package.files[relative].splitlines(keepends=True)
        chunks.extend(
            difflib.unified_diff(
                before,
                after,
                fromfile=str(path) if before else "/dev/null",
                tofile=str(path),
            )
        )
    return "".join(chunks)

"""What `new` and `regenerate` share: comparing a package with the disk, as diffs."""

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


def text_diff(before: str, after: str, shown: str, *, existed: bool = True, remains: bool = True) -> str:
    """A unified diff of one file, git style (a/ and b/ prefixes, /dev/null for a new or removed file)."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        f"a/{shown}" if existed else "/dev/null",
        f"b/{shown}" if remains else "/dev/null",
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def unified_diff(package: GeneratedPackage, target: Path) -> str:
    chunks: list[str] = []
    for relative in changed_files(package, target):
        path = target / relative
        before = path.read_text(encoding="utf-8") if path.is_file() else ""
        chunks.append(text_diff(before, package.files[relative], str(path), existed=path.is_file()))
    return "".join(chunks)

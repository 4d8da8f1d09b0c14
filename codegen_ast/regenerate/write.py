"""Write a regeneration into the package folder, in place.

Only the files the plan changes are touched: each new text goes to a
temporary file beside its target first, and only when all of them are
written are they renamed into place (a failure before that leaves the
package as it was). An existing file keeps its permissions; the folder,
the user's files, symbolic links and empty folders are never touched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from codegen_ast.declarative.support_folder import plan_support, write_support
from codegen_ast.errors import OutputError
from codegen_ast.regenerate.plan import Regeneration


def _inside(root: Path, relative: str) -> Path:
    path = root / relative
    if not path.resolve().is_relative_to(root.resolve()):
        raise OutputError(f"refusing to write {relative!r}: it would land outside {root}")
    return path


def apply_regeneration(plan: Regeneration) -> list[str]:
    """Write ``plan``; returns the files that changed on disk. A declarative package's
    ``onex_support`` is checked first (newer or edited: nothing is written) and
    written or updated after."""
    if plan.support:
        plan_support(plan.root.parent)
    changed = plan.changed()
    staged: list[tuple[Path, Path]] = []
    try:
        for relative in changed:
            text = plan.writes.get(relative)
            if text is None:
                continue
            target = _inside(plan.root, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            temporary = Path(name)
            staged.append((temporary, target))
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
            mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
            os.chmod(temporary, mode)
    except BaseException:
        for written, _ in staged:
            written.unlink(missing_ok=True)
        raise
    for written, target in staged:
        os.replace(written, target)
    for relative in plan.removes:
        _inside(plan.root, relative).unlink(missing_ok=True)
    if plan.support:
        write_support(plan.root.parent)
    return changed


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current

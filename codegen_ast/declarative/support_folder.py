"""``onex_support/`` once per output folder: written when the folder has none,
updated when the folder's is older, left alone when it is current, refused when
it is newer than this tool (or a file of it was edited since it was written).

The folder's ``onex_support/codegen-manifest.json`` records the support version,
the API level and a SHA-256 per file; it is what is compared."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from codegen_ast._version import __version__
from codegen_ast.errors import OutputError
from codegen_ast.locking import package_lock
from codegen_ast.package import describe_write_error, output_folder
from codegen_ast.support import PACKAGE, SUPPORT_MANIFEST, support_files, support_manifest

Action = Literal["new", "updated", "current"]


@dataclass
class SupportPlan:
    action: Action
    files: dict[str, str] = field(default_factory=dict)  # path in the output folder -> text to write
    removed: list[str] = field(default_factory=list)  # files the new version no longer has


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in text.split("."))


def plan_support(output_dir: Path) -> SupportPlan:
    """What ``onex_support`` in ``output_dir`` needs; OutputError when it is newer
    than this tool's or a file of it was edited."""
    ours = json.loads(support_manifest(__version__))
    files = support_files() | {SUPPORT_MANIFEST: support_manifest(__version__)}
    manifest = output_dir / SUPPORT_MANIFEST
    if not (output_dir / PACKAGE).exists():
        return SupportPlan("new", files)
    if not manifest.is_file():
        raise OutputError(
            f"{output_dir / PACKAGE}: a folder named {PACKAGE} that codegen-ast did not write (no "
            f"{manifest.name}); move it away or choose another output folder"
        )
    try:
        theirs = json.loads(manifest.read_text(encoding="utf-8"))
        api, version, recorded = int(theirs["support_api"]), str(theirs["support_version"]), dict(theirs["files"])
    except (ValueError, KeyError, TypeError):
        raise OutputError(f"{manifest}: not a support manifest codegen-ast can read; delete {output_dir / PACKAGE} "
                          "to have it written again") from None
    if (api, _version_key(version)) > (ours["support_api"], _version_key(ours["support_version"])):
        raise OutputError(
            f"{output_dir / PACKAGE} is version {version} (API {api}), newer than this codegen-ast's "
            f"{ours['support_version']} (API {ours['support_api']}): upgrade codegen-ast to generate into this folder"
        )
    if recorded == ours["files"]:
        return SupportPlan("current")
    for path, digest in sorted(recorded.items()):
        on_disk = output_dir / path
        if on_disk.is_file() and hashlib.sha256(on_disk.read_bytes()).hexdigest() not in (digest, ours["files"].get(path)):
            raise OutputError(
                f"{on_disk}: edited since codegen-ast wrote it, and {PACKAGE} needs updating to "
                f"{ours['support_version']}: move the edit out of {PACKAGE} (it is rewritten whole) and run again"
            )
    return SupportPlan("updated", files, sorted(path for path in recorded if path not in files))


def write_support(output_dir: Path, *, follow_symlinks: bool = False) -> SupportPlan:
    """Carry out :func:`plan_support`, each file replaced in one step, the manifest
    last; an output folder that is a symbolic link is refused unless
    ``follow_symlinks``, and an OS error becomes an OutputError naming the path, as
    for a package (:func:`codegen_ast.package.write_package`)."""
    try:
        root = output_folder(output_dir, follow_symlinks)
        with package_lock(root / PACKAGE):  # concurrent runs into one folder: one writes, the next finds it current
            plan = plan_support(root)
            if plan.action == "new":  # written whole beside, then renamed: never half a package without its manifest
                staging = Path(tempfile.mkdtemp(prefix=f".{PACKAGE}.", dir=root))
                try:
                    for relative, text in plan.files.items():
                        target = staging / Path(relative).relative_to(PACKAGE)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_text(text, encoding="utf-8")
                    staging.rename(root / PACKAGE)
                finally:
                    shutil.rmtree(staging, ignore_errors=True)
                return plan
            for relative in plan.removed:
                (root / relative).unlink(missing_ok=True)
            for relative, text in plan.files.items():  # the manifest last: an interrupted update is finished next time
                target = root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                staged = target.with_name(f".{target.name}.tmp")
                staged.write_text(text, encoding="utf-8")
                staged.replace(target)
    except OSError as error:
        raise OutputError(describe_write_error(error, output_dir)) from None
    return plan

"""Regenerate a package from its recorded spec with the current tool, keeping
the user's work (see :mod:`codegen_ast.merge`).

Files the user never touched (their hash matches the manifest) are replaced;
edited Python files are merged member by member; an edited non-Python file
(contract.yaml) is kept and reported; files the user added are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from codegen_ast.emit import format_source
from codegen_ast.generate import GeneratedPackage, generate
from codegen_ast.manifest import MANIFEST, digest, read_manifest
from codegen_ast.merge import merge_modules
from codegen_ast.spec import NodeSpec


@dataclass
class Regeneration:
    package: GeneratedPackage  # what will be written (merged where the user edited)
    replaced: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # user's own files and additions
    conflicts: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def plan_regeneration(package_dir: Path, spec: NodeSpec | None = None) -> Regeneration:
    """Work out, in memory, what regenerating ``package_dir`` writes."""
    manifest = read_manifest(package_dir)
    base = generate(manifest.spec)
    ours = base if spec is None or spec == manifest.spec else generate(spec)
    result = Regeneration(GeneratedPackage(ours.spec))
    for relative, text in ours.files.items():
        path = package_dir / relative
        recorded = manifest.hashes.get(relative)
        if relative == MANIFEST or not path.is_file():
            result.package.files[relative] = text
            continue
        on_disk = path.read_text(encoding="utf-8")
        if recorded is None or digest(on_disk) == recorded or on_disk == text:
            result.package.files[relative] = text
            result.replaced.append(relative)
        elif relative.endswith(".py"):
            merge = merge_modules(base.files.get(relative, text), text, on_disk, where=f"{relative}: ")
            result.package.files[relative] = format_source(merge.code)
            result.merged.append(relative)
            result.conflicts += merge.conflicts
            result.kept += merge.kept
        else:
            result.package.files[relative] = on_disk
            result.conflicts.append(f"{relative}: edited by you; your version was kept (the generator's is not applied)")
    for relative, recorded in manifest.hashes.items():
        path = package_dir / relative
        if relative in ours.files or not path.is_file():
            continue
        if digest(path.read_text(encoding="utf-8")) == recorded:
            result.removed.append(relative)
        else:
            result.package.files[relative] = path.read_text(encoding="utf-8")
            result.conflicts.append(f"{relative}: no longer generated but edited by you; kept")
    # the manifest records what the generator produced, so later runs still see the user's edits
    result.package.files[MANIFEST] = ours.files[MANIFEST]
    return result

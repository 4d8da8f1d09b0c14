"""Work out, in memory, what regenerating a package writes.

For every file the generator writes now (*theirs*), with the file on disk
(*ours*) and what was generated last time (*base*, from the manifest):

- missing on disk -> written;
- on disk exactly as generated last time (its hash) -> replaced;
- edited, with a known base -> merged three ways (:mod:`.merge3`): the
  user's changes and the generator's both land; a true conflict is written
  between markers and listed;
- not known to the manifest, or no base to merge with -> the user's, kept
  as it is, and said so;
- a symbolic link -> left alone (nothing is written through it).

Files no longer generated are removed when untouched, kept when edited.
Migrations are history (:mod:`.migrations`): none is rewritten; a changed
table gets the next numbered one.
Everything else in the folder (the user's files, links, empty folders, the
folder's mode) is not touched at all: regenerate writes files in place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from codegen_ast._version import __version__
from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.errors import InputProblem, SpecError
from codegen_ast.generate import GeneratedPackage, generate
from codegen_ast.manifest import MANIFEST, Manifest, digest, read_manifest, render_manifest
from codegen_ast.readers import read_spec
from codegen_ast.regenerate.merge3 import Conflict, has_markers, merge3
from codegen_ast.regenerate.migrations import is_migration, plan_migrations
from codegen_ast.spec import NodeSpec


@dataclass
class FilePlan:
    path: str  # relative to the package
    action: str  # added | replaced | merged | conflict | kept | removed | unchanged
    text: str | None = None  # what is written (None: nothing)
    conflicts: list[Conflict] = field(default_factory=list)
    note: str | None = None


@dataclass
class Regeneration:
    root: Path
    spec: NodeSpec
    spec_source: str  # where the spec came from, for people
    files: list[FilePlan] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    support: bool = False  # the declarative shape: onex_support beside the package is brought up to date

    @property
    def writes(self) -> dict[str, str]:
        return {plan.path: plan.text for plan in self.files if plan.text is not None}

    @property
    def removes(self) -> list[str]:
        return [plan.path for plan in self.files if plan.action == "removed"]

    @property
    def conflicts(self) -> list[FilePlan]:
        return [plan for plan in self.files if plan.action == "conflict"]

    def changed(self) -> list[str]:
        """Files whose content on disk would change (written or removed)."""
        result = []
        for plan in self.files:
            if plan.action == "removed":
                result.append(plan.path)
            elif plan.text is not None:
                path = self.root / plan.path
                if not path.is_file() or path.read_text(encoding="utf-8") != plan.text:
                    result.append(plan.path)
        return result

    def by_action(self, action: str) -> list[str]:
        return [plan.path for plan in self.files if plan.action == action]


def _relative_spec_file(spec_file: Path, root: Path) -> str:
    return PurePosixPath(Path(os.path.relpath(spec_file.resolve(), root))).as_posix()


def _choose_spec(root: Path, manifest: Manifest, spec_file: Path | None) -> tuple[NodeSpec, str, Path | None, list[str]]:
    """(the spec, where it came from, the spec file to record, notes)."""
    notes: list[str] = []
    if spec_file is not None:
        read = read_spec(spec_file, overrides=manifest.overrides)
        return read.spec, str(spec_file), spec_file, [str(w) for w in read.warnings]
    if manifest.spec_file is not None:
        recorded = Path(os.path.normpath(root / manifest.spec_file))
        if recorded.is_file():
            read = read_spec(recorded, manifest.spec.node_type if manifest.spec is not None else None, manifest.overrides)
            notes += [str(w) for w in read.warnings]
            if manifest.spec is not None and read.spec != manifest.spec:
                notes.append(f"the spec changed since the last generation: regenerating from {recorded}")
            return read.spec, str(recorded), recorded, notes
        notes.append(f"the spec file {manifest.spec_file} is gone: regenerating from the spec the manifest records")
    if manifest.spec is not None:
        return manifest.spec, MANIFEST, None, notes
    contract = root / "contract.yaml"
    if contract.is_file():
        read = read_spec(contract)
        notes.append(f"{manifest.problem}: regenerating from {contract.name}, and keeping every file that differs")
        return read.spec, str(contract), None, notes + [str(w) for w in read.warnings]
    raise SpecError([InputProblem(root / MANIFEST, None, None,
                                  f"{manifest.problem or 'no spec recorded'}: pass --spec SPEC_FILE")])


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


def _bases(manifest: Manifest, theirs: GeneratedPackage) -> dict[str, str]:
    """What was generated last time: recorded, or recomputed when it hashes the same."""
    bases = dict(manifest.generated)
    missing = [name for name in manifest.hashes if name not in bases]
    if missing and manifest.spec is not None:
        again = theirs if manifest.spec == theirs.spec else generate_in(manifest.shape, manifest.spec)
        bases |= {name: again.files[name] for name in missing
                  if name in again.files and digest(again.files[name]) == manifest.hashes[name]}
    return bases


def _plan_file(root: Path, relative: str, text: str, manifest: Manifest, base: str | None) -> FilePlan:
    path = root / relative
    if path.is_symlink() or any(parent.is_symlink() for parent in path.parents if parent.is_relative_to(root)):
        return FilePlan(relative, "kept", note="a symbolic link: left alone")
    if not path.exists():
        return FilePlan(relative, "added", text)
    ours = _read(path)
    if ours is None:
        return FilePlan(relative, "kept", note="not UTF-8 text: left alone")
    if ours == text:
        return FilePlan(relative, "unchanged")
    recorded = manifest.hashes.get(relative)
    if recorded is None:
        return FilePlan(relative, "kept", note="yours (the manifest does not know it): the generated version is not applied")
    if digest(ours) == recorded:
        return FilePlan(relative, "replaced", text)
    if base is None:
        return FilePlan(relative, "kept", note="edited, and what was generated before is not recorded: "
                                               "kept as it is (compare with regenerate --diff)")
    if has_markers(ours):
        return FilePlan(relative, "conflict", note="still holds conflict markers: resolve them first")
    merged = merge3(base, ours, text, suffix=PurePosixPath(relative).suffix)
    action = "conflict" if merged.conflicts else "merged"
    return FilePlan(relative, action, merged.text, merged.conflicts)


def generate_in(shape: str, spec: NodeSpec) -> GeneratedPackage:
    """The package of ``spec`` in the shape its manifest records (a package keeps its
    shape: ``upgrade --to declarative`` changes it)."""
    if shape == "declarative":
        return generate_declarative(spec)
    return generate(spec)


def plan_regeneration(root: Path, *, spec_file: Path | None = None) -> Regeneration:
    """Plan the regeneration of the package in ``root`` (nothing is written)."""
    manifest = read_manifest(root)
    spec, source, record, notes = _choose_spec(root, manifest, spec_file)
    theirs = generate_in(manifest.shape, spec)
    result = Regeneration(root, spec, source, notes=notes, support=bool(theirs.beside))
    if manifest.problem is not None and not any(manifest.problem in note for note in notes):
        result.notes.append(f"{manifest.problem}: every file that differs is kept as yours")
    bases = _bases(manifest, theirs)
    migrations = plan_migrations(root, manifest, spec, theirs.files)
    current = {name: text for name, text in theirs.files.items() if not is_migration(name)} | migrations.recorded
    for relative, text in sorted(current.items()):
        if relative == MANIFEST:
            continue
        if is_migration(relative):  # history: only a new one is written, none is ever changed
            if relative in migrations.added:
                result.files.append(FilePlan(relative, "added", text))
            continue
        result.files.append(_plan_file(root, relative, text, manifest, bases.get(relative)))
    for relative, recorded in sorted(manifest.hashes.items()):
        path = root / relative
        if relative in current or is_migration(relative) or not path.is_file() or path.is_symlink():
            continue
        ours = _read(path)
        if ours is not None and digest(ours) == recorded:
            result.files.append(FilePlan(relative, "removed"))
        else:
            result.files.append(FilePlan(relative, "kept", note="no longer generated, but edited by you: kept"))
    spec_path = _relative_spec_file(record, root) if record is not None else manifest.spec_file
    manifest_text = render_manifest(spec, current, __version__, spec_file=spec_path, overrides=manifest.overrides)
    result.files.append(FilePlan(MANIFEST, "replaced", manifest_text))
    return result

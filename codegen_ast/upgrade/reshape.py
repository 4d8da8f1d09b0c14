"""``upgrade --to declarative`` for a package codegen-ast generated in the imperative
shape: it is generated again, in the declarative shape, from the spec its manifest
records.

No edit is lost. An operation handler the user changed since it was generated is
carried into the new shape's handler when the change is one :mod:`carry` can move
(the body of ``handle``, added imports and methods) and the package then passes
strict validation; any other changed file (its hash differs from the manifest's)
stops the reshape before anything is written, named with what to do. A file the
manifest does not know (the user's own) is left where it is. The
old shape's files that the new shape does not have (the imperative ``node.py``'s
helpers, ``workflows.py``, ...) are removed only when unchanged; ``onex_support`` is
written beside the package when the folder has none (or an older one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.emit import emit
from codegen_ast.generate import GeneratedPackage, generate
from codegen_ast._version import __version__
from codegen_ast.declarative.support_folder import plan_support, write_support
from codegen_ast.errors import OutputError, SpecError
from codegen_ast.locking import package_lock
from codegen_ast.manifest import MANIFEST, digest, read_manifest, render_manifest
from codegen_ast.spec import NodeSpec
from codegen_ast.upgrade.carry import carry_handler
from codegen_ast.validate.pipeline import validate_generated


@dataclass
class Reshape:
    """What reshaping one generated package does (``reason``: why it does not)."""

    root: Path
    files: dict[str, str] = field(default_factory=dict)  # relative path -> new text
    removed: list[str] = field(default_factory=list)  # the old shape's files, unchanged, not in the new
    originals: dict[str, str] = field(default_factory=dict)  # relative path -> text on disk before
    edited: list[str] = field(default_factory=list)  # the user's changes that stop it
    carried: list[str] = field(default_factory=list)  # the user's handler edits moved into the new shape
    reason: str | None = None

    @property
    def changed(self) -> bool:
        return self.reason is None and bool(self.files)


def is_generated_package(path: Path) -> bool:
    """A node package codegen-ast wrote (onex_support has a manifest too, but no node.py)."""
    return path.is_dir() and (path / MANIFEST).is_file() and (path / "node.py").is_file()


def generated_packages(paths: tuple[Path, ...]) -> list[Path]:
    """The generated node packages among ``paths`` and in the folders below them."""
    found: list[Path] = []
    for path in paths:
        below = [path] if path.is_dir() else []
        below += sorted(m.parent for m in path.rglob(MANIFEST) if m.parent != path) if path.is_dir() else []
        found += [package for package in below if is_generated_package(package)
                  and not any(part.startswith(".") for part in package.relative_to(path).parts)]
    return list(dict.fromkeys(found))


def plan_reshape(root: Path, *, python: str | None = None) -> Reshape:
    """The declarative package for the generated package in ``root`` (nothing written;
    ``python``: the interpreter a carried edit is validated with)."""
    plan = Reshape(root)
    manifest = read_manifest(root)
    if manifest.spec is None:
        plan.reason = f"{manifest.problem}: the spec it was generated from is unknown"
        return plan
    if manifest.shape == "declarative":
        plan.reason = "it is declarative already"
        return plan
    try:
        package = generate_declarative(manifest.spec)
        plan_support(root.parent)  # refuses a folder whose onex_support is newer, or edited
    except (SpecError, OutputError) as error:
        plan.reason = f"the declarative shape cannot be generated for it: {error}; nothing was written"
        return plan
    for relative, recorded in sorted(manifest.hashes.items()):
        path = root / relative
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            plan.originals[relative] = text
            if digest(text) != recorded and text != package.files.get(relative):  # (an interrupted run's: done)
                plan.edited.append(relative)
    carried = _carried(manifest.spec, manifest.hashes, plan, package.files) if plan.edited else {}
    plan.edited = [relative for relative in plan.edited if relative not in carried]
    if plan.edited:
        plan.reason = (
            f"edited since it was generated: {', '.join(plan.edited)}; nothing was written. Move each change "
            "into the new shape by hand (an operation's logic goes to handlers/handler_<operation>.py, run()), "
            "or undo it (`codegen-ast regenerate --diff` shows it), then run this again"
        )
        return plan
    plan.files = dict(package.files) | carried
    plan.carried = sorted(carried)
    if carried:
        checked = GeneratedPackage(manifest.spec, dict(plan.files), package.beside)
        report = validate_generated(checked, level="strict", python=python)
        if not report.passed:
            found = "; ".join(f"{f.file}:{f.line} {f.rule} {f.message}" for f in report.errors[:5])
            plan.reason = (
                f"edited since it was generated: {', '.join(plan.carried)}; carried into the new shape, the "
                f"package fails strict validation ({found}); nothing was written. Change it by hand "
                "(handlers/handler_<operation>.py, run()), or undo it, then run this again"
            )
            return plan
    # the manifest records what was generated: a carried edit stays the user's for regenerate
    plan.files[MANIFEST] = render_manifest(manifest.spec, package.files, __version__, spec_file=manifest.spec_file)
    plan.removed = [relative for relative in manifest.hashes
                    if relative not in package.files and (root / relative).is_file()]
    for relative, text in plan.files.items():
        path = root / relative
        if relative != MANIFEST and relative not in plan.originals and path.is_file():
            if path.read_text(encoding="utf-8", errors="replace") != text:
                plan.reason = f"{relative} is yours (the manifest does not know it) and the new shape needs that name"
                return plan
            plan.originals[relative] = text
    return plan


def _carried(spec: NodeSpec, hashes: dict[str, str], plan: Reshape, new: dict[str, str]) -> dict[str, str]:
    """The edited operation handlers whose edit can be carried into the new shape
    (relative path -> the new handler with it), from the imperative handler as it
    was generated (generated again from the spec, when it hashes as recorded)."""
    old = generate(spec).files
    found: dict[str, str] = {}
    for relative in plan.edited:
        original, declarative = old.get(relative), new.get(relative)
        if original is None or declarative is None or digest(original) != hashes.get(relative):
            continue
        module = carry_handler(original, plan.originals[relative], declarative)
        if module is not None:
            found[relative] = emit(module)
    return found


def write_reshape(plan: Reshape) -> None:
    """Carry out ``plan``: the old shape's files removed, the new ones written (the
    manifest last: a run interrupted before it is run again, and the files it wrote
    are taken as its own), onex_support beside."""
    with package_lock(plan.root):
        _write(plan)
    write_support(plan.root.parent)


def _write(plan: Reshape) -> None:
    for relative in plan.removed:
        (plan.root / relative).unlink(missing_ok=True)
    for relative, text in sorted(plan.files.items(), key=lambda item: item[0] == MANIFEST):
        target = plan.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = target.with_name(f".{target.name}.tmp")
        staged.write_text(text, encoding="utf-8")
        staged.replace(target)
    for folder in sorted({(plan.root / r).parent for r in plan.removed}, key=lambda p: -len(p.parts)):
        if folder != plan.root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()

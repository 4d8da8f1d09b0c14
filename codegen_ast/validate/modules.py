"""Where a dotted module name lives, and which names a module defines.

Local source trees are searched on disk first (the package a file belongs to and
the folders above it, up to the project root), so user code is never executed
to answer; everything else is asked of the target Python (``find_spec``). Which
names a module defines is read from its source statically.
"""

from __future__ import annotations

import ast
import hashlib
import os
import sysconfig
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from codegen_ast.validate import parsed
from codegen_ast.validate.target_env import TargetPython

_PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
_MAX_ROOTS = 6
_NODE_PACKAGE_MARKER = "contract.yaml"


@dataclass
class _RunTables:
    """What one validation run has learnt of the disk: what each folder holds, where
    names live, which package each folder is in."""

    listings: dict[Path, dict[str, str]] = field(default_factory=dict)  # folder -> name -> "file"|"dir"|"other"
    entries: dict[tuple[Path, str], tuple[str, Path] | None] = field(default_factory=dict)
    parts: dict[Path, tuple[Path, list[str]]] = field(default_factory=dict)


_RUN: ContextVar[_RunTables | None] = ContextVar("codegen_ast_validation_run", default=None)


@contextmanager
def one_run() -> Iterator[None]:
    """Within the block the files on disk are taken not to change: each folder is listed
    once (a package imports the same few names from many files, each a handful of
    look-ups), not asked about file by file. Outside it, every question goes to the disk."""
    token = _RUN.set(_RunTables()) if _RUN.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _RUN.reset(token)


def _kind(folder: Path, name: str) -> str | None:
    """"file", "dir" or "other" for what ``folder/name`` is (links followed), None when nothing."""
    run = _RUN.get()
    if run is None:
        path = folder / name
        return "file" if path.is_file() else "dir" if path.is_dir() else "other" if path.exists() else None
    listing = run.listings.get(folder)
    if listing is None:
        listing = run.listings[folder] = _listing(folder)
    return listing.get(name)


def _listing(folder: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    found[entry.name] = "file" if entry.is_file() else "dir" if entry.is_dir() else "other"
                except OSError:
                    found[entry.name] = "other"
    except OSError:
        pass
    return found


@dataclass(frozen=True)
class ModuleLocation:
    """A module found either on disk (``local``) or in the target environment."""

    name: str
    source: Path | None  # the .py (or __init__.py) to read, None when there is none
    is_package: bool
    search: tuple[Path, ...] = ()  # where its submodules live
    local: bool = True


@dataclass(frozen=True)
class OwnModule:
    """A module of a node package named the way its project installs the package:
    ``acme.nodes.node_x_effect.handlers.handler_y`` for ``node_x_effect/handlers/handler_y.py``."""

    location: ModuleLocation
    package: Path  # the node package folder (it holds contract.yaml)
    prefix: str  # what the project puts before the package's name: "acme.nodes"

    @property
    def project(self) -> str:
        return self.prefix.split(".")[0]


def own_module(name: str, importer: Path) -> OwnModule | None:
    """``name`` as a module of a node package ``importer`` belongs to, under the name
    the package's project installs it as, when that module is on disk.

    Production repositories keep node packages inside a project and refer to them by
    their installed name (``acme.nodes.node_x_effect.models...``); validated out of
    that project, the name does not import, but the module is still there to read.
    """
    parts = name.split(".")
    for folder in importer.parents:
        if folder.name not in parts[1:] or _kind(folder, _NODE_PACKAGE_MARKER) != "file":
            continue
        at = len(parts) - 1 - parts[::-1].index(folder.name)
        kind = "package" if _kind(folder, "__init__.py") == "file" else "namespace"
        location = _walk_down(name, kind, folder, parts[at + 1 :])
        if location is not None:
            return OwnModule(location, folder, ".".join(parts[:at]))
    return None


@dataclass(frozen=True)
class DefinedNames:
    names: frozenset[str]
    stars: tuple[tuple[int, str], ...]  # (level, module) of `from X import *`
    dynamic: bool  # a module-level __getattr__ can answer any name


def package_parts(path: Path) -> tuple[Path, list[str]]:
    """(folder holding the top-level package, package names) for a file's folder."""
    run = _RUN.get()
    known = run.parts.get(path.parent) if run is not None else None
    if known is None:
        parts: list[str] = []
        folder = path.parent
        while _kind(folder, "__init__.py") == "file" or _kind(folder, "__init__.pyi") == "file":
            parts.insert(0, folder.name)
            folder = folder.parent
        known = (folder, parts)
        if run is not None:
            run.parts[path.parent] = known
    return known[0], list(known[1])


def location_of(path: Path) -> ModuleLocation:
    """The module a local source file is."""
    package = path.stem == "__init__"
    return ModuleLocation(module_name(path), path, is_package=package, search=(path.parent,) if package else ())


def module_name(path: Path) -> str:
    """The dotted name Python (and mypy) give ``path``, from its __init__.py chain."""
    _, parts = package_parts(path)
    if path.stem != "__init__":
        parts.append(path.stem)
    return ".".join(parts) or path.stem


def local_roots(path: Path) -> list[Path]:
    """Folders an absolute import from ``path`` may be served from, nearest first."""
    root, _ = package_parts(path)
    roots = [root]
    for parent in root.parents:
        if len(roots) >= _MAX_ROOTS or any(_kind(roots[-1], marker) is not None for marker in _PROJECT_MARKERS):
            break
        roots.append(parent)
    return roots


def _entry(folder: Path, part: str) -> tuple[str, Path] | None:
    """How ``part`` exists in ``folder``: ("package"|"module"|"namespace", path)."""
    run = _RUN.get()
    if run is None:
        return _find_entry(folder, part)
    key = (folder, part)
    if key not in run.entries:
        run.entries[key] = _find_entry(folder, part)
    return run.entries[key]


def _find_entry(folder: Path, part: str) -> tuple[str, Path] | None:
    kind = _kind(folder, part)
    if kind == "dir" and _kind(folder / part, "__init__.py") == "file":
        return "package", folder / part
    if _kind(folder, f"{part}.py") == "file":
        return "module", folder / f"{part}.py"
    if kind == "dir":
        return "namespace", folder / part
    return None


def _walk_down(name: str, kind: str, path: Path, rest: list[str]) -> ModuleLocation | None:
    for part in rest:
        if kind == "module":
            return None
        found = _entry(path, part)
        if found is None:
            return None
        kind, path = found
    if kind == "module":
        return ModuleLocation(name, path, is_package=False)
    if kind == "package":
        return ModuleLocation(name, path / "__init__.py", is_package=True, search=(path,))
    return ModuleLocation(name, None, is_package=True, search=(path,))


@dataclass
class ModuleIndex:
    """Resolves module names for one validation run; asks the target Python in batches.

    Which folders an import from a file's folder may be served from is worked out
    once; inside :func:`one_run`, where names live on disk is too."""

    target: TargetPython
    _target_answers: dict[str, dict[str, object]] = field(default_factory=dict)
    _names: dict[Path, DefinedNames | None] = field(default_factory=dict)
    _attributes: dict[tuple[str, str], bool | None] = field(default_factory=dict)
    _roots: dict[Path, list[Path]] = field(default_factory=dict)

    # --- where modules are -------------------------------------------------------
    def _local_roots(self, importer: Path) -> list[Path]:
        folder = importer.parent
        if folder not in self._roots:
            self._roots[folder] = local_roots(importer)
        return self._roots[folder]

    def local(self, name: str, importer: Path) -> tuple[ModuleLocation | None, bool]:
        """(location, decided): decided=False means "ask the target environment".

        A regular package or module in a local root decides the answer, found or
        not; a namespace folder counts only when the target has no such module,
        as in Python, where namespace portions come last.
        """
        first, *rest = name.split(".")
        for root in self._local_roots(importer):
            found = _entry(root, first)
            if found is not None and found[0] != "namespace":
                return _walk_down(name, found[0], found[1], rest), True
        return None, False

    def local_namespace(self, name: str, importer: Path) -> ModuleLocation | None:
        first, *rest = name.split(".")
        for root in self._local_roots(importer):
            found = _entry(root, first)
            if found is not None:
                return _walk_down(name, found[0], found[1], rest)
        return None

    def relative(self, importer: Path, level: int, module: str | None) -> tuple[ModuleLocation | None, str]:
        """Resolve ``from <dots><module>`` in ``importer``: (location, absolute name or problem)."""
        root, parts = package_parts(importer)  # for __init__.py: its own package
        if not parts:
            return None, "a relative import in a file that is not inside a package (no __init__.py beside it)"
        if level - 1 >= len(parts):
            return None, f"relative import goes {level} levels up, beyond the top-level package {parts[0]!r}"
        base = parts[: len(parts) - (level - 1)]
        target = base + (module.split(".") if module else [])
        name = ".".join(target)
        found = _entry(root, target[0])
        if found is None:
            return None, name
        return _walk_down(name, found[0], found[1], target[1:]), name

    def ask_target(self, names: Iterable[str]) -> None:
        """Look up every name not asked yet, in one request."""
        missing = sorted({name for name in names if name not in self._target_answers})
        if missing:
            self._target_answers.update(self.target.ask({"modules": missing})["modules"])

    def ask_attributes(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Ask the target whether installed modules have these attributes, in one request."""
        missing = sorted({pair for pair in pairs if pair not in self._attributes})
        if missing:
            answer = self.target.ask({"attributes": [list(pair) for pair in missing]})["attributes"]
            for module, name in missing:
                self._attributes[(module, name)] = answer.get(f"{module}:{name}")

    def has_attribute(self, location: ModuleLocation, name: str) -> bool | None:
        """defines(), falling back to the imported module for installed ones that are dynamic."""
        answer = self.defines(location, name)
        if answer is None and not location.local:
            self.ask_attributes([(location.name, name)])
            return self._attributes[(location.name, name)]
        return answer

    def in_target(self, name: str) -> tuple[ModuleLocation | None, str | None]:
        """(location, error) from the target environment; call ask_target first."""
        self.ask_target([name])
        answer = self._target_answers[name]
        if not answer.get("found"):
            error = answer.get("error")
            return None, str(error) if error else None
        origin = answer.get("origin")
        search = answer.get("search") or []
        assert isinstance(search, list)
        source = Path(str(origin)) if isinstance(origin, str) and origin.endswith(".py") else None
        return (
            ModuleLocation(
                name,
                source,
                is_package=bool(answer.get("package")),
                search=tuple(Path(str(item)) for item in search),
                local=False,
            ),
            None,
        )

    def reference(self, name: str, importer: Path) -> ModuleLocation | None:
        """Where a module a contract (or code) names is: as Python would find it, or
        inside the node package under its installed name (see :func:`own_module`)."""
        location, _ = self.resolve(name, importer)
        if location is None:
            own = own_module(name, importer)
            location = own.location if own is not None else None
        return location

    def resolve(self, name: str, importer: Path) -> tuple[ModuleLocation | None, str | None]:
        location, decided = self.local(name, importer)
        if decided:
            return location, None
        location, error = self.in_target(name)
        if location is None:
            namespace = self.local_namespace(name, importer)
            if namespace is not None:
                return namespace, None
        return location, error

    # --- what modules define -----------------------------------------------------
    def defines(self, location: ModuleLocation, name: str, _seen: frozenset[Path] = frozenset()) -> bool | None:
        """True/False when the source says so, None when it cannot tell statically."""
        if self.has_submodule(location, name):
            return True
        if location.source is None:
            return None if not location.is_package else False
        defined = self._defined(location.source)
        if defined is None:
            return None
        if name in defined.names:
            return True
        unknown = defined.dynamic
        for level, module in defined.stars:
            star = self._star_source(location, level, module)
            if star is None or star.source in _seen:
                unknown = True
                continue
            answer = self.defines(star, name, _seen | {location.source})
            if answer:
                return True
            unknown = unknown or answer is None
        return None if unknown else False

    def has_submodule(self, location: ModuleLocation, name: str) -> bool:
        if not location.is_package:
            return False
        if location.local:
            return any(_entry(folder, name) is not None for folder in location.search)
        self.ask_target([f"{location.name}.{name}"])
        return bool(self._target_answers[f"{location.name}.{name}"].get("found"))

    def _star_source(self, location: ModuleLocation, level: int, module: str) -> ModuleLocation | None:
        assert location.source is not None
        if level:
            found, _ = self.relative(location.source, level, module or None)
            return found
        root, parts = package_parts(location.source)
        if parts and module.split(".")[0] == parts[0]:
            found_entry = _entry(root, parts[0])
            if found_entry is not None:
                return _walk_down(module, found_entry[0], found_entry[1], module.split(".")[1:])
        return None

    def _defined(self, path: Path) -> DefinedNames | None:
        if path not in self._names:
            self._names[path] = _read_names(path)
        return self._names[path]


def _read_names(path: Path) -> DefinedNames | None:
    """What the module file defines, read once per process and content (:mod:`.parsed`)."""
    return parsed.from_file(path, "names", _names_of)


def _names_key() -> str:
    """The on-disk table's key: codegen-ast's and omnibase-core's versions (this environment's)."""
    from importlib.metadata import PackageNotFoundError, version

    from codegen_ast._version import __version__

    try:
        framework = version("omnibase-core")
    except PackageNotFoundError:
        framework = "none"
    return f"{__version__}-omnibase-core-{framework}".replace("/", "_")


# What the framework's modules and onex_support define, for fresh processes:
# keyed by the file's SHA-256, so a row never goes stale.
_STORED_NAMES = parsed.DiskTable("module-names", _names_key)


def _kept_on_disk(path: Path) -> bool:
    """Installed modules (the standard library's too) and the onex_support codegen-ast
    ships: files that do not change between runs (a package's own files do)."""
    parts = path.parts
    return "site-packages" in parts or "dist-packages" in parts or "onex_support" in parts or \
        str(path).startswith(_STANDARD_LIBRARY)


_STANDARD_LIBRARY = tuple(sorted({sysconfig.get_paths()[key] + os.sep for key in ("stdlib", "platstdlib")}))


def _names_of(data: bytes, path: Path) -> DefinedNames | None:
    kept = _kept_on_disk(path)
    digest = hashlib.sha256(data).hexdigest() if kept else ""
    if kept:
        row = _STORED_NAMES.get(digest)
        if isinstance(row, list) and len(row) == 3:
            names, stars, dynamic = row
            return DefinedNames(frozenset(names), tuple((int(level), str(module)) for level, module in stars),
                                bool(dynamic))
    tree = parsed.module_tree(path)
    if tree is None:
        return None
    found = _defined_names(tree)
    if kept:
        _STORED_NAMES.put(digest, [sorted(found.names), [list(star) for star in found.stars], found.dynamic])
    return found


def _defined_names(tree: ast.Module) -> DefinedNames:
    names: set[str] = set()
    stars: list[tuple[int, str]] = []
    dynamic = False

    def visit(body: list[ast.stmt]) -> None:
        nonlocal dynamic
        for statement in body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(statement.name)
                dynamic = dynamic or statement.name == "__getattr__"
            elif isinstance(statement, ast.Import):
                for alias in statement.names:
                    names.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(statement, ast.ImportFrom):
                for alias in statement.names:
                    if alias.name == "*":
                        stars.append((statement.level, statement.module or ""))
                    else:
                        names.add(alias.asname or alias.name)
            elif isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign):
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                for target in targets:
                    names.update(_target_names(target))
            elif isinstance(statement, ast.TypeAlias):
                names.update(_target_names(statement.name))
            elif isinstance(statement, ast.For | ast.AsyncFor | ast.With | ast.AsyncWith):
                if isinstance(statement, ast.For | ast.AsyncFor):
                    names.update(_target_names(statement.target))
                else:
                    for item in statement.items:
                        if item.optional_vars is not None:
                            names.update(_target_names(item.optional_vars))
                visit(statement.body)
                visit(getattr(statement, "orelse", []))
            elif isinstance(statement, ast.If | ast.While):
                visit(statement.body)
                visit(statement.orelse)
            elif isinstance(statement, ast.Try | ast.TryStar):
                visit(statement.body)
                for handler in statement.handlers:
                    if handler.name:
                        names.add(handler.name)
                    visit(handler.body)
                visit(statement.orelse)
                visit(statement.finalbody)

    visit(tree.body)
    return DefinedNames(frozenset(names), tuple(stars), dynamic)


def _target_names(target: ast.expr) -> set[str]:
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Tuple | ast.List):
        return {name for item in target.elts for name in _target_names(item)}
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return set()

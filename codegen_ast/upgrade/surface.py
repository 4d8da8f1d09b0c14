"""What a node class really has: its members and those of every base, resolved
through the imports, read statically.

A base is found where Python would find it: a class of the same module, a
module beside the node (its package and the folders above it, as
:func:`codegen_ast.validate.modules.local_roots` walks them), or an installed
module on ``sys.path`` (omnibase-core and any other package); its source is
read with Python's own parser, never executed. Re-exports are followed
(``from .x import Y``, also under ``if TYPE_CHECKING:``, which is how
omnibase-core's lazy package exports are declared), and so are aliases
(``Base = OtherBase``).

A member is a method (sync or async), or an attribute: a class-level name, a
property, or an instance attribute any method sets (``self.x = ...``,
``object.__setattr__(self, "x", ...)``). A base that cannot be found or read
leaves the surface *open*: nothing can be proven absent, so an upgrade that
needs a member it cannot see is skipped (see :mod:`codegen_ast.upgrade.needs`).
"""

from __future__ import annotations

import ast
import builtins
import importlib.machinery
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from codegen_ast.validate.modules import local_roots, package_parts

# bases that add nothing an upgrade calls (and whose source is not Python)
_EMPTY_BASES = frozenset({"object", "ABC", "Generic", "Protocol", "ABCMeta"})
_MAX_DEPTH = 40


@dataclass(frozen=True)
class Member:
    """One name a class has: ``kind`` is "sync", "async" or "attribute"."""

    kind: str
    owner: str  # the qualified name of the class that defines it
    user: bool  # defined in the user's code (not in an installed package)
    line: int = 0


@dataclass
class Surface:
    """Everything a class has, own and inherited; ``open`` names the bases that
    could not be read (then an absent name proves nothing)."""

    members: dict[str, Member] = field(default_factory=dict)
    inherited: dict[str, Member] = field(default_factory=dict)  # from the bases only (what super() reaches)
    open: list[str] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)  # every class in the lineage, qualified, MRO-ish order

    def has(self, name: str) -> bool:
        return name in self.members

    def inherits(self, qualified_suffix: str) -> bool:
        """Whether a class whose qualified name ends with ``qualified_suffix`` is in the lineage."""
        return any(base == qualified_suffix or base.endswith("." + qualified_suffix) for base in self.bases)


@dataclass(frozen=True)
class _Module:
    name: str
    path: Path | None
    tree: ast.Module | None
    user: bool


@lru_cache(maxsize=512)
def _parse(path: Path, stamp: float) -> ast.Module | None:
    try:
        return ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return None


def _read(path: Path) -> ast.Module | None:
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return None
    return _parse(path, stamp)


def _entry(folder: Path, part: str) -> Path | None:
    if (folder / part / "__init__.py").is_file():
        return folder / part / "__init__.py"
    if (folder / f"{part}.py").is_file():
        return folder / f"{part}.py"
    if (folder / part).is_dir():
        return folder / part  # a namespace portion
    return None


def _down(start: Path, rest: list[str]) -> Path | None:
    path: Path | None = start
    for part in rest:
        if path is None or path.suffix == ".py" and path.name != "__init__.py":
            return None
        folder = path.parent if path.name == "__init__.py" else path
        path = _entry(folder, part)
    return path


def _site_roots() -> list[Path]:
    return [Path(entry) for entry in sys.path if entry and Path(entry).is_dir()]


class Resolver:
    """Finds modules and classes for one file; caches what it read."""

    def __init__(self, importer: Path | None, roots: list[Path] | None = None) -> None:
        self.importer = importer
        self.local = local_roots(importer) if importer is not None else []
        self.site = roots if roots is not None else _site_roots()
        self._modules: dict[str, _Module | None] = {}

    def module(self, name: str) -> _Module | None:
        if name not in self._modules:
            self._modules[name] = self._find(name)
        return self._modules[name]

    def _find(self, name: str) -> _Module | None:
        first, *rest = name.split(".")
        for root in self.local:
            local = _entry(root, first)
            if local is not None and local.suffix == ".py":
                path = _down(local, rest)
                return None if path is None else self._load(name, path, user=True)
        spec = importlib.machinery.PathFinder.find_spec(first, [str(root) for root in self.site])
        if spec is None:
            return None
        if spec.origin and spec.origin.endswith(".py"):
            start: Path | None = Path(spec.origin)
        elif spec.submodule_search_locations:
            start = Path(next(iter(spec.submodule_search_locations)))
        else:
            return None  # a compiled or built-in module: not readable
        path = _down(start, rest) if start is not None else None
        return None if path is None else self._load(name, path, user=False)

    def _load(self, name: str, path: Path, *, user: bool) -> _Module | None:
        if path.suffix != ".py":
            return _Module(name, path, None, user)  # a namespace package: holds no classes
        tree = _read(path)
        return None if tree is None else _Module(name, path, tree, user)

    def relative(self, module: _Module, level: int, target: str | None) -> str | None:
        if module.path is None:
            return None
        _, parts = package_parts(module.path)
        if level - 1 > len(parts) or not parts:
            return None
        base = parts[: len(parts) - (level - 1)]
        return ".".join(base + (target.split(".") if target else []))


def _top_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """Module-level statements, looking into ``if``/``try`` blocks (TYPE_CHECKING included)."""
    found: list[ast.stmt] = []
    for statement in body:
        found.append(statement)
        if isinstance(statement, ast.If):
            found += _top_statements(statement.body) + _top_statements(statement.orelse)
        elif isinstance(statement, ast.Try):
            found += _top_statements(statement.body)
            for handler in statement.handlers:
                found += _top_statements(handler.body)
    return found


def _class_members(node: ast.ClassDef, owner: str, user: bool) -> dict[str, Member]:
    members: dict[str, Member] = {}
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorators = {_dotted(d) for d in item.decorator_list}
            is_property = bool(decorators & {"property", "cached_property", "functools.cached_property"}) or any(
                d.endswith((".setter", ".getter", ".deleter")) for d in decorators if d
            )
            if is_property:
                kind = "attribute"
            else:
                kind = "async" if isinstance(item, ast.AsyncFunctionDef) else "sync"
            members.setdefault(item.name, Member(kind, owner, user, item.lineno))
        elif isinstance(item, ast.Assign):
            for target in item.targets:
                for name in _names(target):
                    members.setdefault(name, Member("attribute", owner, user, item.lineno))
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            members.setdefault(item.target.id, Member("attribute", owner, user, item.lineno))
    for inner in ast.walk(node):
        for name, line in _instance_attributes(inner):
            members.setdefault(name, Member("attribute", owner, user, line))
    return members


def _instance_attributes(node: ast.AST) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    for target in targets:
        for element in ast.walk(target):
            if isinstance(element, ast.Attribute) and isinstance(element.value, ast.Name) and element.value.id == "self":
                found.append((element.attr, element.lineno))
    if isinstance(node, ast.Call) and _dotted(node.func) in ("object.__setattr__", "setattr") and len(node.args) >= 2:
        first, second = node.args[0], node.args[1]
        if isinstance(first, ast.Name) and first.id == "self" and isinstance(second, ast.Constant) and isinstance(second.value, str):
            found.append((second.value, node.lineno))
    return found


def _names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _names(element)]
    return []


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _base_expression(node: ast.expr) -> ast.expr:
    return node.value if isinstance(node, ast.Subscript) else node


@dataclass
class _Lineage:
    resolver: Resolver
    surface: Surface = field(default_factory=Surface)
    seen: set[str] = field(default_factory=set)

    def add_class(self, module: _Module, node: ast.ClassDef, *, own: bool, depth: int = 0) -> None:
        qualified = f"{module.name}.{node.name}"
        if qualified in self.seen or depth > _MAX_DEPTH:
            return
        self.seen.add(qualified)
        self.surface.bases.append(qualified)
        for name, member in _class_members(node, qualified, module.user).items():
            self.surface.members.setdefault(name, member)
            if not own:
                self.surface.inherited.setdefault(name, member)
        for base in node.bases:
            self.add_base(module, _base_expression(base), depth + 1)

    def add_base(self, module: _Module, expression: ast.expr, depth: int) -> None:
        dotted = _dotted(expression)
        if not dotted:
            self.surface.open.append(ast.unparse(expression))
            return
        head, _, rest = dotted.partition(".")
        if not rest and (head in _EMPTY_BASES or (hasattr(builtins, head) and module.tree is not None
                                                 and not _binds(module.tree, head))):
            return
        found = self.find(module, dotted, depth)
        if found is None:
            self.surface.open.append(dotted)
            return
        self.add_class(found[0], found[1], own=False, depth=depth)

    def find(self, module: _Module, dotted: str, depth: int) -> tuple[_Module, ast.ClassDef] | None:
        """The class ``dotted`` names in ``module`` (a local class, an import, an alias)."""
        if module.tree is None or depth > _MAX_DEPTH:
            return None
        head, _, rest = dotted.partition(".")
        for statement in _top_statements(module.tree.body):
            if isinstance(statement, ast.ClassDef) and statement.name == head and not rest:
                return module, statement
        for statement in _top_statements(module.tree.body):
            if isinstance(statement, ast.Assign) and not rest and any(head in _names(t) for t in statement.targets):
                value = _dotted(_base_expression(statement.value))
                if value and value != head:
                    return self.find(module, value, depth + 1)
            if isinstance(statement, ast.ImportFrom):
                for alias in statement.names:
                    if (alias.asname or alias.name) != head:
                        continue
                    origin = (
                        self.resolver.relative(module, statement.level, statement.module)
                        if statement.level
                        else statement.module
                    )
                    if origin is None:
                        return None
                    target = self.resolver.module(origin)
                    if target is not None and target.tree is not None:
                        found = self.find(target, alias.name + (f".{rest}" if rest else ""), depth + 1)
                        if found is not None:
                            return found
                    submodule = self.resolver.module(f"{origin}.{alias.name}")  # `from pkg import module`
                    if submodule is not None and rest:
                        return self.find(submodule, rest, depth + 1)
                    return None
            if isinstance(statement, ast.Import) and rest:
                for alias in statement.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    if bound != head:
                        continue
                    full = alias.name if alias.asname else head
                    # `import a.b` binds `a`; `a.b.C` names C in module a.b
                    parts = (full + "." + rest).split(".")
                    for cut in range(len(parts) - 1, 0, -1):
                        target = self.resolver.module(".".join(parts[:cut]))
                        if target is not None and target.tree is not None:
                            return self.find(target, ".".join(parts[cut:]), depth + 1)
                    return None
        return None


def _binds(tree: ast.Module, name: str) -> bool:
    for statement in _top_statements(tree.body):
        if isinstance(statement, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
            return True
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            if any((alias.asname or alias.name.split(".")[0]) == name for alias in statement.names):
                return True
        if isinstance(statement, ast.Assign) and any(name in _names(t) for t in statement.targets):
            return True
    return False


def class_surface(source: str, class_name: str, path: Path | None = None, resolver: Resolver | None = None) -> Surface:
    """The members of ``class_name`` in ``source`` (the file at ``path``, if any)
    and of every base, with the bases that could not be read listed as open."""
    resolver = resolver or Resolver(path)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return Surface(open=[class_name])
    name = _module_name(path)
    module = _Module(name, path, tree, True)
    lineage = _Lineage(resolver)
    for statement in tree.body:
        if isinstance(statement, ast.ClassDef) and statement.name == class_name:
            lineage.add_class(module, statement, own=True)
            break
    else:
        lineage.surface.open.append(class_name)
    return lineage.surface


def _module_name(path: Path | None) -> str:
    if path is None:
        return "__upgraded__"
    _, parts = package_parts(path)
    return ".".join([*parts, path.stem]) if path.stem != "__init__" else ".".join(parts) or path.stem

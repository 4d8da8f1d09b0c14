"""Finding ONEX node classes in source, and what they inherit, without importing them.

A class's ancestry is followed statically: classes defined in the same file or
imported from local files are read; omnibase-core classes are known by name
(the table below, checked against the installed framework by the test suite).
A base from any other package is "unresolved": rules that would need to know
what it provides stay silent rather than guess.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from codegen_ast.target import BASE_CLASSES, FRAMEWORK_PACKAGE, SERVICE_WRAPPERS
from codegen_ast.validate import parsed
from codegen_ast.validate.modules import ModuleIndex, ModuleLocation
from codegen_ast.validate.source import SourceFile, Workspace

KINDS = ("effect", "compute", "reducer", "orchestrator")
KIND_SUFFIX = {kind: kind.capitalize() for kind in KINDS}

# What each framework base brings (its Mixin* ancestors), omnibase-core 0.47.57.
FRAMEWORK_MIXINS: dict[str, frozenset[str]] = {
    "NodeEffect": frozenset({"MixinEffectExecution", "MixinHandlerRouting", "MixinNodeDispatch"}),
    "NodeCompute": frozenset({"MixinHandlerRouting"}),
    "NodeReducer": frozenset({"MixinFSMExecution"}),
    "NodeOrchestrator": frozenset({"MixinWorkflowExecution", "MixinHandlerRouting", "MixinNodeDispatch"}),
    "ModelServiceEffect": frozenset(
        {"MixinNodeService", "MixinEffectExecution", "MixinHandlerRouting", "MixinNodeDispatch",
         "MixinHealthCheck", "MixinEventBus", "MixinMetrics"}
    ),
    "ModelServiceCompute": frozenset(
        {"MixinNodeService", "MixinHandlerRouting", "MixinHealthCheck", "MixinCaching", "MixinMetrics"}
    ),
    "ModelServiceReducer": frozenset(
        {"MixinNodeService", "MixinFSMExecution", "MixinHealthCheck", "MixinCaching", "MixinMetrics"}
    ),
    "ModelServiceOrchestrator": frozenset(
        {"MixinNodeService", "MixinWorkflowExecution", "MixinHandlerRouting", "MixinNodeDispatch",
         "MixinHealthCheck", "MixinEventBus", "MixinMetrics"}
    ),
}
FRAMEWORK_KIND: dict[str, str] = {
    **{symbol.name: kind for kind, symbol in BASE_CLASSES.items()},
    **{symbol.name: kind for kind, symbol in SERVICE_WRAPPERS.items()},
}
# The method that runs an operation, by the names frameworks and scaffolders use.
ENTRY_METHODS = (
    "process",
    "execute_effect",
    "execute_compute",
    "execute_reduction",
    "execute_orchestration",
    "apply_effect",
    "compute",
    "reduce_state",
    "orchestrate",
)
_FRAMEWORK_BASES = frozenset({*FRAMEWORK_KIND, "NodeCoreBase"})
_EXCEPTION_SUFFIXES = ("Error", "Exception", "Warning")
_MAX_DEPTH = 12

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class LocalClass:
    name: str
    node: ast.ClassDef
    path: Path
    tree: ast.Module

    def method(self, name: str) -> FunctionNode | None:
        for statement in self.node.body:
            if isinstance(statement, FunctionNode) and statement.name == name:
                return statement
        return None


@dataclass
class Lineage:
    """A class and everything it inherits, as far as it can be followed statically."""

    local: list[LocalClass] = field(default_factory=list)  # the class first
    framework: set[str] = field(default_factory=set)  # omnibase-core class names met
    unresolved: set[str] = field(default_factory=set)  # bases from elsewhere

    @property
    def kinds(self) -> set[str]:
        return {FRAMEWORK_KIND[name] for name in self.framework if name in FRAMEWORK_KIND}

    @property
    def mixins(self) -> set[str]:
        found = {name for name in self.framework if name.startswith("Mixin")}
        for name in self.framework:
            found |= FRAMEWORK_MIXINS.get(name, frozenset())
        return found

    def method(self, name: str) -> tuple[LocalClass, FunctionNode] | None:
        """The nearest local definition of ``name``."""
        for owner in self.local:
            found = owner.method(name)
            if found is not None:
                return owner, found
        return None


@dataclass
class NodeClass:
    source: SourceFile
    lineage: Lineage

    @property
    def node(self) -> ast.ClassDef:
        return self.lineage.local[0].node

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def package_dir(self) -> Path:
        return self.source.path.parent


def base_name(expression: ast.expr) -> str | None:
    """``Name`` / ``pkg.Name`` / ``Name[Any]`` -> ``Name``."""
    if isinstance(expression, ast.Subscript):
        expression = expression.value
    if isinstance(expression, ast.Name):
        return expression.id
    if isinstance(expression, ast.Attribute):
        return expression.attr
    return None


class ClassResolver:
    """Follows base classes through local files; caches parsed files."""

    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self._trees: dict[Path, ast.Module | None] = {}

    def tree(self, path: Path) -> ast.Module | None:
        """The file's tree, parsed once per process and content (:mod:`.parsed`); a file whose
        content another path of this resolver already has gets its own tree (classes are
        told apart by their node)."""
        if path not in self._trees:
            tree = parsed.module_tree(path)
            if tree is not None and any(known is tree for known in self._trees.values()):
                found = parsed.read(path)
                tree = ast.parse(found[1], str(path)) if found is not None else None
            self._trees[path] = tree
        return self._trees[path]

    def lineage(self, node: ast.ClassDef, path: Path, tree: ast.Module) -> Lineage:
        lineage = Lineage()
        self._follow(LocalClass(node.name, node, path, tree), lineage, 0)
        return lineage

    def _follow(self, cls: LocalClass, lineage: Lineage, depth: int) -> None:
        if depth > _MAX_DEPTH or any(known.node is cls.node for known in lineage.local):
            return
        lineage.local.append(cls)
        for base in cls.node.bases:
            name = base_name(base)
            if name is None or name in ("object", "Generic", "Protocol", "ABC"):
                continue
            origin = self._origin(name, cls)
            if isinstance(origin, LocalClass):
                self._follow(origin, lineage, depth + 1)
            elif origin == "framework":
                lineage.framework.add(name)
            else:
                lineage.unresolved.add(name)

    def _origin(self, name: str, cls: LocalClass) -> LocalClass | str:
        """A local class, "framework", or "unknown"."""
        for statement in cls.tree.body:
            if isinstance(statement, ast.ClassDef) and statement.name == name and statement is not cls.node:
                return LocalClass(name, statement, cls.path, cls.tree)
        for statement in parsed.import_froms(cls.tree):
            for alias in statement.names:
                if (alias.asname or alias.name) != name:
                    continue
                module = statement.module or ""
                if statement.level == 0 and module.split(".")[0] == FRAMEWORK_PACKAGE:
                    return "framework"
                found = self._local_class(statement, alias.name, cls.path)
                if found is not None:
                    return found
                return "unknown"
        if name in FRAMEWORK_KIND or name in FRAMEWORK_MIXINS:
            return "framework"  # e.g. `nodes.NodeEffect` through a module alias
        return "unknown"

    def _local_class(
        self, statement: ast.ImportFrom, name: str, importer: Path, depth: int = 0
    ) -> LocalClass | None:
        location: ModuleLocation | None
        if statement.level:
            location, _ = self.index.relative(importer, statement.level, statement.module)
        else:
            location, decided = self.index.local(statement.module or "", importer)
            if not decided:
                return None
        if location is None or location.source is None:
            return None
        return self.class_in(location.source, name, depth)

    def class_in(self, path: Path, name: str, _depth: int = 0) -> LocalClass | None:
        """The class ``name`` of the module at ``path``: defined there, or re-exported
        from another local module (``from .handlers import HandlerX``)."""
        tree = self.tree(path)
        if tree is None or _depth > _MAX_DEPTH:
            return None
        for item in tree.body:
            if isinstance(item, ast.ClassDef) and item.name == name:
                return LocalClass(name, item, path, tree)
        for item in tree.body:
            if isinstance(item, ast.ImportFrom) and any((a.asname or a.name) == name for a in item.names):
                original = next(a.name for a in item.names if (a.asname or a.name) == name)
                return self._local_class(item, original, path, _depth + 1)
        return None


def is_node_file(path: Path) -> bool:
    """node.py, or node_<name>_<kind>.py (the production layout)."""
    return path.stem == "node" or (
        path.stem.startswith("node_") and path.stem.rsplit("_", 1)[-1] in KINDS
    )


def _looks_like_node(statement: ast.ClassDef, path: Path) -> bool:
    """A Node* class in a node module, or named Node<...><Kind>; exceptions excluded."""
    name = statement.name
    exception_like = name.endswith(_EXCEPTION_SUFFIXES) or any(
        (base_name(base) or "").endswith(_EXCEPTION_SUFFIXES) for base in statement.bases
    )
    if not name.startswith("Node") or exception_like:
        return False
    return is_node_file(path) or name.endswith(tuple(KIND_SUFFIX.values()))


def find_node_classes(workspace: Workspace, resolver: ClassResolver) -> list[NodeClass]:
    """The leaf node classes: ONEX descendants, or classes that look like node shells."""
    candidates: list[NodeClass] = []
    for source in workspace.sources:
        if source.tree is None or source.is_test:
            continue
        for statement in source.tree.body:
            if not isinstance(statement, ast.ClassDef) or statement.name in _FRAMEWORK_BASES:
                continue  # the framework's own base classes (when validating omnibase-core itself)
            lineage = resolver.lineage(statement, source.path, source.tree)
            if lineage.kinds or _looks_like_node(statement, source.path):
                candidates.append(NodeClass(source, lineage))
    # by place, not identity: a base in another file was parsed again by the resolver
    inherited = {_place(ancestor) for node in candidates for ancestor in node.lineage.local[1:]}
    return [node for node in candidates if _place(node.lineage.local[0]) not in inherited]


def _place(cls: LocalClass) -> tuple[Path, int, str]:
    return cls.path, cls.node.lineno, cls.name

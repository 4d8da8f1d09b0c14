"""Stage 3, imports: every import resolves in the target environment.

Local modules (the package under review and its source tree) are resolved on
disk; everything else with ``importlib.util.find_spec`` in the target Python,
all names of a run in one request. ``from M import name`` also checks that M
defines ``name`` (read statically from M's source) or has a submodule of that
name. Imports guarded by ``try: ... except ImportError`` are optional by
design and are not checked.

A node package kept inside a larger project imports itself by the name the
project installs it under (``acme.nodes.node_x_effect.models``). Validated where
that project is not installed, such an import is reported as a warning
(IMP004), not an error, when the module is there in the package, and so is any
other import from the same project: the environment lacks the project, the code
may well be right.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from codegen_ast.target import MIXINS
from codegen_ast.validate.modules import ModuleIndex, ModuleLocation, own_module
from codegen_ast.validate.rules import Finding, Rule
from codegen_ast.validate.source import SourceFile, Workspace

MODULE_NOT_FOUND = Rule(
    "IMP001", "imports", "error",
    "imported module cannot be found",
    "install the distribution that provides it in the target environment (see --python), "
    "or correct the module path",
    valid=("import json\nfrom collections import abc\n",
           "try:\n    import no_such_module_x\nexcept ImportError:\n    no_such_module_x = None\n"),
    invalid=("import no_such_module_x\n", "from no_such_package_x.sub import thing\n"),
)
NAME_NOT_FOUND = Rule(
    "IMP002", "imports", "error",
    "imported name is not defined by its module",
    "import the name from the module that defines it (omnibase-core does not re-export every "
    f"class from its package __init__, e.g. MixinMetrics lives in {MIXINS['MixinMetrics'].module})",
    valid=("from json import loads\nfrom os import path\n",),
    invalid=("from json import no_such_name\n",),
)
PROJECT_NOT_INSTALLED = Rule(
    "IMP004", "imports", "warning",
    "import from the project the node package belongs to, which is not installed in the target",
    "install the project the package belongs to in the target environment (e.g. `pip install -e .` "
    "in its repository), or pass --python with the interpreter of an environment that has it",
    valid=("from node_tally_effect.models import ModelTallyInput\n",
           "from ..models import ModelTallyInput\n"),
    invalid=("from acme.nodes.node_tally_effect.models import ModelTallyInput\n",),
    example_path="node_tally_effect/handlers/handler_count.py",
    example_files=(
        ("node_tally_effect/__init__.py", ""),
        ("node_tally_effect/contract.yaml", "name: tally\nnode_type: EFFECT_GENERIC\n"),
        ("node_tally_effect/handlers/__init__.py", ""),
        ("node_tally_effect/models.py", "class ModelTallyInput:\n    \"\"\"A text.\"\"\"\n"),
    ),
)
RULES = (MODULE_NOT_FOUND, NAME_NOT_FOUND, PROJECT_NOT_INSTALLED)
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


@dataclass(frozen=True)
class _Import:
    node: ast.Import | ast.ImportFrom
    guarded: bool


def _catches_import_error(statement: ast.Try | ast.TryStar) -> bool:
    for handler in statement.handlers:
        if handler.type is None:
            return True
        caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for item in caught:
            name = item.attr if isinstance(item, ast.Attribute) else getattr(item, "id", "")
            if name in _IMPORT_ERRORS:
                return True
    return False


def collect_imports(tree: ast.AST) -> list[_Import]:
    """Every import statement anywhere in ``tree``, marked when it is guarded."""
    return [found for child in ast.iter_child_nodes(tree) for found in _visit(child, False)]


def _visit(node: ast.AST, guarded: bool) -> list[_Import]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [_Import(node, guarded)]
    if isinstance(node, ast.Try | ast.TryStar):
        inner = guarded or _catches_import_error(node)
        found = [item for statement in node.body for item in _visit(statement, inner)]
        for part in (*node.handlers, *node.orelse, *node.finalbody):
            found += _visit(part, guarded)
        return found
    return [item for child in ast.iter_child_nodes(node) for item in _visit(child, guarded)]


def check_imports(workspace: Workspace, index: ModuleIndex) -> list[Finding]:
    checked = [(source, item) for source in workspace.sources if source.tree is not None
               for item in collect_imports(source.tree) if not item.guarded]
    index.ask_target(_target_questions(checked, index))
    index.ask_attributes(_dynamic_names(checked, index))
    projects = _uninstalled_projects(checked, index)
    findings: list[Finding] = []
    for source, item in checked:
        findings += _check_one(source, item.node, index, projects)
    return findings


def _uninstalled_projects(checked: list[tuple[SourceFile, _Import]], index: ModuleIndex) -> dict[Path, str]:
    """Node package folder -> the project it imports itself from, when the target lacks it."""
    projects: dict[Path, str] = {}
    for source, item in checked:
        node = item.node
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else (
            [] if node.level or not node.module else [node.module])
        for name in names:
            own = own_module(name, source.path)
            if own is not None and own.prefix and index.resolve(name, source.path)[0] is None:
                projects[own.package] = own.project
    return projects


def _target_questions(checked: list[tuple[SourceFile, _Import]], index: ModuleIndex) -> list[str]:
    """Every module (and candidate submodule) the target must be asked about."""
    names: list[str] = []
    for source, item in checked:
        node = item.node
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
            members: list[str] = []
        elif node.level or node.module in (None, "__future__"):
            continue
        else:
            modules = [node.module or ""]
            members = [alias.name for alias in node.names if alias.name != "*"]
        for module in modules:
            if not index.local(module, source.path)[1]:
                names.append(module)
                names += [f"{module}.{member}" for member in members]
    return names


def _dynamic_names(checked: list[tuple[SourceFile, _Import]], index: ModuleIndex) -> list[tuple[str, str]]:
    """(module, name) of `from M import name` where installed M decides names at run time."""
    pairs: list[tuple[str, str]] = []
    for source, item in checked:
        node = item.node
        if isinstance(node, ast.ImportFrom) and not node.level and node.module not in (None, "__future__"):
            location, _ = index.resolve(node.module or "", source.path)
            if location is not None and not location.local:
                pairs += [(location.name, alias.name) for alias in node.names
                          if alias.name != "*" and index.defines(location, alias.name) is None]
    return pairs


def _check_one(
    source: SourceFile, node: ast.Import | ast.ImportFrom, index: ModuleIndex, projects: dict[Path, str]
) -> list[Finding]:
    shown, line, column = source.display, node.lineno, node.col_offset + 1
    if isinstance(node, ast.Import):
        return [
            _not_found(source, line, column, alias.name, error, index, projects)
            for alias in node.names
            for location, error in [index.resolve(alias.name, source.path)]
            if location is None
        ]
    if node.module == "__future__":
        return []
    location: ModuleLocation | None
    if node.level:
        location, name = index.relative(source.path, node.level, node.module)
        if location is None:
            dots = "." * node.level + (node.module or "")
            detail = name if " " in name else f"no module {name}"
            return [MODULE_NOT_FOUND.finding(shown, line, f"cannot import {dots!r}: {detail}", column=column)]
    else:
        name = node.module or ""
        location, error = index.resolve(name, source.path)
        if location is None:
            return [_not_found(source, line, column, name, error, index, projects)]
    return [
        NAME_NOT_FOUND.finding(shown, line, f"{name} has no name {alias.name!r}", column=column)
        for alias in node.names
        if alias.name != "*" and index.has_attribute(location, alias.name) is False
    ]


def _not_found(
    source: SourceFile,
    line: int,
    column: int,
    module: str,
    error: str | None,
    index: ModuleIndex,
    projects: dict[Path, str],
) -> Finding:
    own = own_module(module, source.path)
    if own is not None and own.prefix:
        found = (own.location.source or own.package).relative_to(own.package.parent).as_posix()
        return PROJECT_NOT_INSTALLED.finding(
            source.display, line,
            f"{module!r} is this package's own {found}, named as "
            f"project {own.project!r} installs it; {own.project!r} is not importable by {index.target.executable}",
            column=column,
        )
    project = next((name for folder, name in projects.items() if source.path.is_relative_to(folder)), None)
    if project is not None and module.split(".")[0] == project:
        return PROJECT_NOT_INSTALLED.finding(
            source.display, line,
            f"cannot import {module!r}: it belongs to {project!r}, the project this node package is part of "
            f"(it imports itself from there), which is not installed for {index.target.executable}",
            column=column,
        )
    local = index.local(module, source.path)[1]
    where: str = "in the local source tree" if local else f"by {index.target.executable}"
    detail = f" ({error})" if error else ""
    return MODULE_NOT_FOUND.finding(
        source.display, line, f"cannot import {module!r}: not found {where}{detail}", column=column
    )

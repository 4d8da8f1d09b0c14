"""codegen_ast's own shape: no import cycles, no oversized module.

Imports are read with ``ast`` from the source, including those inside
functions (a lazy import hides a cycle; it does not remove it); only imports
under ``if TYPE_CHECKING:`` are left out, since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import codegen_ast

PACKAGE = Path(codegen_ast.__file__).resolve().parent
MAX_LINES = 600
# spec.py is split by concern into a spec/ package on issue 13's branch


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    current = parents.get(node)
    while current is not None:
        if isinstance(current, ast.If) and "TYPE_CHECKING" in ast.unparse(current.test):
            return True
        current = parents.get(current)
    return False


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """module -> the modules of the same package it imports when it runs."""
    paths = {module_name(path, root): path for path in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom) or _type_checking_only(node, parents):
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
                    base = ".".join([*anchor, *([base] if base else [])])
                # `from package import module` imports the module; `from module import name` the module
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in paths else base for alias in node.names]
            graph[name] |= {target for target in targets if target in paths and target != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_codegen_ast_has_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_check_finds_a_lazy_cycle(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text("def f():\n    from pkg.a import x\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n")
    assert cycles(import_graph(package)) == [["pkg.a", "pkg.sub.b"]]


def test_no_module_is_over_600_lines() -> None:
    sizes = {
        path.relative_to(PACKAGE).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert {path: lines for path, lines in sizes.items() if lines > MAX_LINES} == {}


# Where the framework's package name may appear: the target package, which
# knows the framework; the support modules, which are generated code (they
# import the framework as every generated module does: the modules spliced into
# today's packages, and support/onex_support/, the package written verbatim into
# every output folder of the declarative shape); and the validator's
# probe, a script that runs alone in the checked environment's Python and so
# cannot import codegen_ast.
FRAMEWORK_HOMES = ("target/", "support/", "validate/_probe.py")


def framework_mentions(root: Path = PACKAGE) -> list[str]:
    """``file:line`` of every string or comment naming omnibase_core outside its homes."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(FRAMEWORK_HOMES):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if "omnibase_core" in line:
                found.append(f"{relative}:{number}")
    return found


def test_only_the_target_package_names_the_framework() -> None:
    assert framework_mentions() == []


def test_the_framework_check_finds_a_mention(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "target").mkdir(parents=True)
    (package / "target" / "symbols.py").write_text('ERROR = ("omnibase_core.errors", "ModelOnexError")\n')
    (package / "patterns.py").write_text('x = 1\n# see omnibase_core.errors\n')
    assert framework_mentions(package) == ["patterns.py:2"]


def _names_node_type(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "node_type") or (
        isinstance(node, ast.Attribute) and node.attr == "node_type"
    )


def _is_word(node: ast.expr) -> bool:
    """A string literal, or a tuple/list/set of them: what a node type used to be compared with."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return isinstance(node, ast.Tuple | ast.List | ast.Set) and bool(node.elts) and all(_is_word(e) for e in node.elts)


def node_type_comparisons(root: Path = PACKAGE) -> list[str]:
    """``file:line`` of every ``node_type == "reducer"`` (or ``!=``, ``in (...)``): a node type
    is asked what it does (``codegen_ast.target.node_types``), not which one it is."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                if any(_names_node_type(side) for side in sides) and any(_is_word(side) for side in sides):
                    found.append(f"{relative}:{node.lineno}")
    return found


def test_no_node_type_is_compared_with_a_word() -> None:
    assert node_type_comparisons() == []


def test_the_node_type_check_finds_a_comparison(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text(
        'def f(spec, node_type):\n'
        '    if spec.node_type == "reducer":\n        return 1\n'
        '    return node_type in ("compute", "reducer")\n'
    )
    (package / "b.py").write_text("def g(kind):\n    return kind.keeps_state and kind.name\n")
    assert node_type_comparisons(package) == ["a.py:2", "a.py:4"]

"""The corpus of hand-written nodes (tests/upgrade/corpus): each upgrade is
golden-tested, compiles, keeps every original statement, line and comment, and a
second run changes nothing; nodes that were mypy-clean stay mypy-clean.

Regenerate the expected files after an intended change: .venv/bin/python -m tests.upgrade.golden_corpus
"""

from __future__ import annotations

import ast
import difflib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tokenize
from collections import Counter
from pathlib import Path

import libcst as cst
import pytest
from mypy import api as mypy_api

from codegen_ast.upgrade import upgrade
from codegen_ast.upgrade.preserve import lost_statements
from tests.upgrade.conftest import MYPY_CACHE, ROOT, Scaffold
from tests.upgrade.golden_corpus import CORPUS, NOT_MYPY_CLEAN, OUTSIDE_ITS_PACKAGE, Case, cases

CASES = cases()
GOLDEN_NODES = sorted((ROOT / "tests" / "cases").glob("*/node_*/node.py"))
# the only kinds of original line an upgrade may rewrite (everything else is kept byte for byte)
_EDITABLE = re.compile(r"^\s*(class \w+\b.*|return \[.*|raise NotImplementedError\(.*|from [\w.]+ import .*)$")


def comments(text: str) -> Counter[str]:
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return Counter(token.string for token in tokens if token.type == tokenize.COMMENT)


def rewritten_lines(original: str, upgraded: str) -> list[str]:
    """Original lines the upgrade did not keep verbatim, in place."""
    matcher = difflib.SequenceMatcher(None, original.splitlines(), upgraded.splitlines(), autojunk=False)
    old = original.splitlines()
    return [line for tag, i1, i2, _, _ in matcher.get_opcodes() if tag in ("replace", "delete") for line in old[i1:i2]]


def test_the_corpus_covers_the_styles_the_issue_asks_for() -> None:
    names = {case.name for case in CASES}
    assert len(CASES) >= 15
    assert {
        "orders_service_handlers",  # current API, handlers
        "legacy_execute_effect",  # older style: execute_effect, ModelContainer
        "pricing_compute_comments",  # comments, decorators, nested class
        "partial_health",  # patterns already present
        "fully_upgraded",  # everything present
        "onex_scaffold_effect",  # the `onex new node` stub
    } <= names
    legacy = (CORPUS / "legacy_execute_effect" / "input.py").read_text()
    assert "execute_effect" in legacy and "ModelContainer" in legacy
    assert (CORPUS / "onex_scaffold_effect" / "input.py").read_text().count("TODO(OMN-XXXX)") == 2


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_upgrade_matches_its_golden_file_and_is_sound(case: Case) -> None:
    original = case.input.read_text(encoding="utf-8")
    result = case.run()
    assert result.error is None
    assert result.source == case.expected.read_text(encoding="utf-8"), "regenerate: python -m tests.upgrade.golden_corpus"
    compile(result.source, str(case.expected), "exec")
    # every original statement (module and class level, recursively), every comment, every line
    renames = {n.class_name: a.split(" -> ")[1] for n in result.nodes for a in n.added if a.startswith("renamed class")}
    assert lost_statements(cst.parse_module(original), cst.parse_module(result.source), renames) == []
    assert not comments(original) - comments(result.source)
    assert all(_EDITABLE.match(line) for line in rewritten_lines(original, result.source)), rewritten_lines(
        original, result.source
    )
    # a second run is a no-op
    again = upgrade(result.source, add=case.add)
    assert again.error is None and again.source == result.source


def test_a_node_that_has_everything_is_left_as_it_is() -> None:
    (case,) = [case for case in CASES if case.name == "fully_upgraded"]
    assert case.expected.read_text() == case.input.read_text()


def test_generated_nodes_need_no_upgrade() -> None:
    """Generation and upgrade share the pattern contributions: the 24 golden
    packages already have everything the upgrade would add."""
    assert len(GOLDEN_NODES) == 24
    for path in GOLDEN_NODES:
        result = upgrade(path.read_text(encoding="utf-8"))
        assert result.error is None and not result.changed, path
        assert result.nodes and "health" in result.nodes[0].concerns


def _mypy_errors(paths: list[Path], bases: list[Path]) -> dict[Path, list[str]]:
    previous = os.environ.get("MYPYPATH")
    os.environ["MYPYPATH"] = os.pathsep.join(map(str, bases))
    try:
        stdout, stderr, _ = mypy_api.run(
            ["--strict", "--explicit-package-bases", "--cache-dir", str(MYPY_CACHE), *map(str, paths)]
        )
    finally:
        if previous is None:
            del os.environ["MYPYPATH"]
        else:
            os.environ["MYPYPATH"] = previous
    assert "error: " not in stderr, stderr
    errors: dict[Path, list[str]] = {}
    for line in stdout.splitlines():
        if ": error: " in line:
            errors.setdefault(Path(line.split(":", 1)[0]).resolve(), []).append(line)
    return errors


def test_mypy_clean_nodes_stay_mypy_clean(scaffolds: list[Scaffold]) -> None:
    """One mypy --strict run over every corpus input and upgrade, and the four
    upgraded `onex new node` packages (where the scaffold's relative imports resolve)."""
    corpus = [case for case in CASES if case.name not in OUTSIDE_ITS_PACKAGE]
    files = [path for case in corpus for path in (case.input, case.expected)]
    packages = sorted({path for scaffold in scaffolds for path in scaffold.package.rglob("*.py")})
    errors = _mypy_errors([*files, *packages], [ROOT, scaffolds[0].project / "src"])
    for case in corpus:
        if case.name in NOT_MYPY_CLEAN:
            assert case.input.resolve() in errors, f"{case.name} is listed as not mypy-clean but is"
        else:
            assert case.input.resolve() not in errors, errors.get(case.input.resolve())
            assert case.expected.resolve() not in errors, errors.get(case.expected.resolve())
    clean = [case for case in corpus if case.name not in NOT_MYPY_CLEAN]
    assert len(clean) >= 15
    assert not [path for path in packages if path.resolve() in errors], errors


def test_statements_of_the_legacy_node_survive_as_python_sees_them() -> None:
    """An independent check with Python's own parser: the legacy node's top-level
    statements all survive, unchanged and in order (an import line may gain names)."""
    (case,) = [case for case in CASES if case.name == "legacy_execute_effect"]

    def comparable(node: ast.stmt) -> str:
        if isinstance(node, ast.ImportFrom):
            return f"from {node.module} import"
        return ast.dump(node)

    def imported(path: Path) -> dict[str | None, set[str]]:
        found: dict[str | None, set[str]] = {}
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ImportFrom):
                found.setdefault(node.module, set()).update(alias.name for alias in node.names)
        return found

    before = [comparable(node) for node in ast.parse(case.input.read_text()).body if not isinstance(node, ast.ClassDef)]
    after = [comparable(node) for node in ast.parse(case.expected.read_text()).body if not isinstance(node, ast.ClassDef)]
    position = 0
    for statement in before:
        position = after.index(statement, position) + 1
    kept, grown = imported(case.input), imported(case.expected)
    assert all(names <= grown[module] for module, names in kept.items())


def ruff_import_findings(folder: Path) -> set[str]:
    """The files below ``folder`` that ruff's isort rule (I001) rejects."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "ruff"), "check", "--isolated", "--no-cache", "--select", "I",
         "--output-format", "json", str(folder)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return {Path(finding["filename"]).name for finding in json.loads(result.stdout)}


def test_imports_are_placed_as_ruffs_isort_rule_wants(tmp_path: Path) -> None:
    """Every upgrade whose input passes `ruff check --select I` passes it too:
    the added imports join their module's line, sorted, in their section."""
    for case in CASES:
        shutil.copy(case.input, tmp_path / f"{case.name}_input.py")
        shutil.copy(case.expected, tmp_path / f"{case.name}_expected.py")
    rejected = ruff_import_findings(tmp_path)
    clean = [case.name for case in CASES if f"{case.name}_input.py" not in rejected]
    assert len(clean) >= 12
    assert [name for name in clean if f"{name}_expected.py" in rejected] == []
    # no module the user imported from once is imported from twice (no second `from typing import ...`)
    for case in CASES:
        def modules(path: Path) -> list[str | None]:
            return [node.module for node in ast.parse(path.read_text()).body if isinstance(node, ast.ImportFrom)]

        if len(modules(case.input)) == len(set(modules(case.input))):
            assert len(modules(case.expected)) == len(set(modules(case.expected))), case.name

"""Check a package with model-written bodies: the whole validation, then its own tests.

Each problem is traced to the handler it comes from (a finding in its file, a
failing test that exercises its operation), so one bad body does not cost the
good ones; a problem no single handler explains is charged to all of them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from codegen_ast.validate.pipeline import staged, validate_generated

if TYPE_CHECKING:
    from codegen_ast.generate import GeneratedPackage

TESTS_TIMEOUT_S = 180


@dataclass(frozen=True)
class Problem:
    operation: str | None  # None: no single handler explains it
    reason: str


def check_candidates(
    package: GeneratedPackage,
    operations: Collection[str],
    *,
    python: str | None = None,
    mypy_cache: str | Path | None = None,
) -> list[Problem]:
    """Problems of ``package``, whose handlers of ``operations`` a model wrote; [] when it passes."""
    report = validate_generated(package, level="strict", python=python, mypy_cache=mypy_cache)
    failing = [f for f in report.findings if f.severity in report.fail_on]
    if failing:
        problems = []
        for finding in failing:
            relative = finding.file.partition("/")[2]  # the report names files as <package>/<path>
            owner = next((op for op in operations if relative == f"handlers/handler_{op}.py"), None)
            problems.append(Problem(owner, f"{finding.rule} {relative}:{finding.line}: {finding.message}"))
        return problems
    return run_tests(package, operations, python=python)


def test_files(package: GeneratedPackage) -> list[str]:
    """The package's test modules (``tests/test_*.py``)."""
    return sorted(path for path in package.files if path.startswith("tests/test_") and path.endswith(".py"))


def without_hook_tests(source: str, operations: Collection[str]) -> str:
    """``source`` less its ``test_<operation>_answers_the_hook_default`` tests: they pin the
    generated hook's answer, which a model-written body replaces by design."""
    import libcst as cst

    names = {f"test_{operation}_answers_the_hook_default" for operation in operations}
    module = cst.parse_module(source)
    body = [
        statement for statement in module.body
        if not (isinstance(statement, cst.FunctionDef) and statement.name.value in names)
    ]
    return source if len(body) == len(module.body) else module.with_changes(body=body).code


def run_tests(package: GeneratedPackage, operations: Collection[str], *, python: str | None = None) -> list[Problem]:
    """The package's tests, run with ``python``; nothing to run when it has none (the report says so)."""
    if not test_files(package):
        return []
    with staged(package, "codegen-ast-fill-") as root:
        staging = root.parent
        junit = staging / "junit.xml"
        command = [
            python or sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-o", "asyncio_default_fixture_loop_scope=function", "--rootdir", str(staging),
            f"--junitxml={junit}", str(root),
        ]
        try:
            result = subprocess.run(command, cwd=staging, capture_output=True, text=True, timeout=TESTS_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return [Problem(None, f"the package's tests did not finish within {TESTS_TIMEOUT_S} s (a body that never returns?)")]
        if result.returncode == 0:
            return []
        if not junit.exists():
            tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            return [Problem(None, f"the package's tests could not run with {command[0]} (needs pytest and pytest-asyncio): {tail[0]}")]
        return _failures(junit, [root / path for path in test_files(package)], operations)


def _failures(junit: Path, modules: list[Path], operations: Collection[str]) -> list[Problem]:
    exercised: dict[str, set[str]] = {}
    for test_file in modules:
        exercised |= _operations_per_test(test_file, operations)
    problems = []
    for case in ElementTree.parse(junit).iter("testcase"):
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        if failure is None:
            continue
        name = case.get("name", "?")
        message = (failure.get("message") or "failed").strip().splitlines()[0][:300]
        owners = exercised.get(name, set())
        owner = next(iter(owners)) if len(owners) == 1 else None
        problems.append(Problem(owner, f"generated test {name} failed: {message}"))
    if not problems:
        problems.append(Problem(None, "the package's tests failed (see pytest's output)"))
    return problems


def _operations_per_test(test_file: Path, operations: Collection[str]) -> dict[str, set[str]]:
    """For each test function, the operations among ``operations`` it names (and so runs)."""
    try:
        tree = ast.parse(test_file.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return {}
    found: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[node.name] = {
                inner.value for inner in ast.walk(node)
                if isinstance(inner, ast.Constant) and isinstance(inner.value, str) and inner.value in operations
            }
    return found

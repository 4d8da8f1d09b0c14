"""Every bundled example, generated as a user would: `onex validate --strict` clean,
no placeholder anywhere, and the package's own generated tests pass (they need no
server). mypy --strict and the manual-completion figure of each example are
checked in tests/validate (the strict run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
from tests.test_golden import _placeholders

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("examples")
    return [generate(read_node_spec(spec)).write(root) for spec in EXAMPLES]


def test_every_example_passes_onex_validate_strict(packages: list[Path]) -> None:
    assert len(packages) == len(EXAMPLES) >= 8
    result = subprocess.run(
        [str(BIN / "onex"), "validate", "--strict", *(str(p) for p in packages)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_example_holds_a_placeholder(packages: list[Path]) -> None:
    files = [path for package in packages for path in package.rglob("*.py")]
    assert len(files) > 80
    assert [found for path in files for found in _placeholders(path)] == []


def test_the_generated_tests_of_every_example_pass(packages: list[Path]) -> None:
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-o", "asyncio_default_fixture_loop_scope=function",
            "--rootdir", str(packages[0].parent),
            *(str(p) for p in packages),
        ],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout

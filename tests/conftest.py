"""Shared fixtures: the bundled example generated once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen_ast.generate import GeneratedPackage, generate
from codegen_ast.readers import read_node_spec

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_SPEC = ROOT / "examples" / "orders_effect.yaml"
# One mypy cache for the whole suite (and across runs): cold mypy follows
# ~2,900 omnibase-core modules, warm it takes about a second.
MYPY_CACHE = ROOT / ".mypy_cache"


@pytest.fixture(scope="session")
def example_package() -> GeneratedPackage:
    return generate(read_node_spec(EXAMPLE_SPEC), check_stable=True)


@pytest.fixture(scope="session")
def example_dir(example_package: GeneratedPackage, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example package written to disk: returns the folder holding it."""
    root = tmp_path_factory.mktemp("generated")
    example_package.write(root)
    return root

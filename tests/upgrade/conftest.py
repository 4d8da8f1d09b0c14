"""Shared for the upgrade tests: the stubs `onex new node` writes, upgraded once."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ONEX = Path(sys.executable).parent / "onex"
ROOT = Path(__file__).resolve().parents[2]
MYPY_CACHE = ROOT / ".mypy_cache"  # shared with the rest of the suite, kept across runs
KINDS = ("effect", "compute", "reducer", "orchestrator")


@dataclass(frozen=True)
class Scaffold:
    kind: str
    project: Path  # the project root given to `onex new node`
    node_file: Path
    original: str  # the node file as onex wrote it

    @property
    def package(self) -> Path:
        return self.node_file.parent


def write_scaffolds(root: Path) -> list[Scaffold]:
    """One stub per node type, written by the real `onex new node`."""
    source = root / "src" / "shop"
    source.mkdir(parents=True)
    (source / "__init__.py").write_text("", encoding="utf-8")
    scaffolds = []
    # one-word names: for a name with an underscore onex writes event topics
    # ("stock_level-requested") that the framework's own contract model rejects
    names = {"effect": "stock", "compute": "pricing", "reducer": "ledger", "orchestrator": "checkout"}
    for kind in KINDS:
        name = names[kind]
        result = subprocess.run(
            [str(ONEX), "new", "node", name, "--type", kind, "--project-root", str(root)],
            capture_output=True, text=True, timeout=120, check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        (node_file,) = (source / "nodes" / name).glob("node_*.py")
        scaffolds.append(Scaffold(kind, root, node_file, node_file.read_text(encoding="utf-8")))
    return scaffolds


@pytest.fixture(scope="session")
def scaffolds(tmp_path_factory: pytest.TempPathFactory) -> list[Scaffold]:
    """The four stubs after `codegen-ast upgrade --write` (their original text kept)."""
    root = tmp_path_factory.mktemp("onex_project")
    written = write_scaffolds(root)
    result = subprocess.run(
        [sys.executable, "-m", "codegen_ast", "upgrade", str(root / "src"), "--write", "-q"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return written

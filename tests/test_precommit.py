"""The pre-commit hooks, run by pre-commit itself (`pre-commit try-repo`) on a scratch repository.

pre-commit builds each hook's environment as a user's machine would: a fresh
virtual environment with codegen-ast and omnibase-core installed from the
package index (CI has PyPI), so this test checks that the environment has what
the hooks need. Environments are kept in `.cache/pre-commit` (git ignores it)
and reused while the commit under test is the same.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_SPEC, ROOT

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
HOOK_CACHE = ROOT / ".cache" / "pre-commit"


def git(repo: Path, *arguments: str) -> None:
    subprocess.run(["git", "-C", str(repo), *arguments], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


def try_repo(repo: Path, hook: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PRE_COMMIT_HOME": str(HOOK_CACHE), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(ROOT), hook, "--all-files", "--verbose"],
        cwd=repo, env=environment, capture_output=True, text=True, timeout=900,
    )


@pytest.fixture
def scratch(tmp_path: Path, example_dir: Path) -> Path:
    """A repository with specs, a generated package, a hand-written node and unrelated YAML."""
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    shutil.copy(EXAMPLE_SPEC, repo / "specs" / "orders_effect.yaml")
    shutil.copytree(example_dir / "node_orders_effect", repo / "src" / "node_orders_effect")
    (repo / "src" / "legacy_node.py").write_text(
        "from omnibase_core.nodes import NodeEffect\n\n\n"
        "class NodeLegacyEffect(NodeEffect):\n"
        "    async def process(self, input_data):\n"
        "        return input_data\n"
    )
    (repo / ".pre-commit-config.yaml").write_text("repos: []\n")
    (repo / "compose.yaml").write_text("services:\n  db:\n    image: postgres\n")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "scratch")
    return repo


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_the_hooks_select_specs_and_contracts_and_their_environment_has_omnibase_core(scratch: Path) -> None:
    passed = try_repo(scratch, "codegen-ast-validate")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    # the contract was loaded by omnibase-core's own model, in the hook's environment
    assert "codegen-ast validate" in passed.stdout and "Passed" in passed.stdout
    assert "compose.yaml" not in passed.stdout and ".pre-commit-config.yaml" not in passed.stdout

    (scratch / "specs" / "bad_effect.yaml").write_text("name: Bad-Name\nnode_type: effect\ndescription: x\n")
    git(scratch, "add", ".")
    failed = try_repo(scratch, "codegen-ast-validate")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "specs/bad_effect.yaml:1:1: SPC001 name:" in failed.stdout

    upgrade = try_repo(scratch, "codegen-ast-upgrade")
    assert upgrade.returncode == 1, upgrade.stdout + upgrade.stderr
    assert "would upgrade src/legacy_node.py" in upgrade.stdout
    assert "would upgrade src/node_orders_effect" not in upgrade.stdout  # generated nodes lack nothing

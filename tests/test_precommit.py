"""The pre-commit hooks, run by pre-commit itself (`pre-commit try-repo`) on a scratch repository.

pre-commit builds each hook's environment as a user's machine would: a fresh
virtual environment with codegen-ast and omnibase-core installed from the
package index (CI has PyPI), so this test checks that the environment has what
the hooks need. try-repo builds it afresh each time (one to two minutes), so
the test is marked slow: `bash scripts/test` leaves it out, `bash scripts/test
-m slow` runs it, and so does CI (.ci/run).
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


def git(repo: Path, *arguments: str) -> None:
    subprocess.run(["git", "-C", str(repo), *arguments], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


def try_repo(repo: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(ROOT), "--all-files", "--verbose"],
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


@pytest.mark.slow  # one hook environment is built (minutes): run with -m slow
@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_the_hooks_select_specs_and_contracts_and_their_environment_has_omnibase_core(scratch: Path) -> None:
    (scratch / "specs" / "bad_effect.yaml").write_text("name: Bad-Name\nnode_type: effect\ndescription: x\n")
    git(scratch, "add", ".")
    result = try_repo(scratch)  # both hooks, one environment (same language and dependencies)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    validate = output.split("codegen-ast validate", 1)[1]
    upgrade = output.split("codegen-ast upgrade --check", 1)[1].split("codegen-ast validate", 1)[0]
    # specs and contracts only: the good spec and the package's contract (loaded by omnibase-core's
    # own contract model, in the hook's environment) pass; other YAML is not looked at
    findings = [line for line in validate.splitlines() if ": SPC" in line or ": STR" in line or ": IMP" in line]
    assert findings == ["specs/bad_effect.yaml:1:1: SPC001 name: node name 'Bad-Name' is not snake_case: "
                        + findings[0].split("is not snake_case: ", 1)[1]] if findings else False, validate
    assert "compose.yaml" not in validate and ".pre-commit-config.yaml" not in validate
    assert "would upgrade src/legacy_node.py" in upgrade
    assert "would upgrade src/node_orders_effect" not in upgrade  # generated nodes lack nothing

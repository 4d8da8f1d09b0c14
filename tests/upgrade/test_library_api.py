"""The public API (codegen_ast.__all__), the worked examples of docs/library.md,
and the pre-commit hooks."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

import codegen_ast
from codegen_ast.cli import main
from tests.upgrade.conftest import ROOT
from tests.upgrade.golden_corpus import cases

INTENDED_API = {
    # generation
    "FieldSpec", "GeneratedPackage", "NodeSpec", "OperationSpec", "generate", "generate_declarative", "node_context",
    # upgrade and your own refactors
    "CONCERNS", "NodeUpgrade", "UpgradeError", "UpgradeResult", "add_contributions", "upgrade", "upgrade_source",
    # the pattern builders and what they exchange
    "Contribution", "ErrorMapping", "INTEGRATIONS", "Integration", "LifecycleStep", "NodeContext",
    "build_consul", "build_errors", "build_event_publishing", "build_health", "build_health_check_mode",
    "build_integration", "build_lifecycle", "build_logging", "build_metrics", "build_publish_event_fix",
    # validation
    "Report", "validate",
    "__version__",
}
DOC = ROOT / "docs" / "library.md"
_SCRIPT = re.compile(r"```python\n# file: (?P<name>[\w.]+)\n(?P<code>.*?)```", re.DOTALL)


def test_the_exported_names_are_exactly_the_intended_api() -> None:
    assert set(codegen_ast.__all__) == INTENDED_API
    assert codegen_ast.__all__ == sorted(codegen_ast.__all__)
    for name in codegen_ast.__all__:
        assert getattr(codegen_ast, name) is not None


def test_generate_stays_in_memory_and_writes_on_request(tmp_path: Path) -> None:
    package = codegen_ast.generate(codegen_ast.NodeSpec(name="orders", node_type="effect", description="Orders."))
    assert "node.py" in package.files and not any(tmp_path.iterdir())
    assert (package.write(tmp_path) / "node.py").read_text() == package.files["node.py"]
    assert not (tmp_path / "onex_support").exists()  # the imperative shape needs nothing beside it


def test_generate_declarative_writes_its_support_package_beside(tmp_path: Path) -> None:
    spec = codegen_ast.NodeSpec(name="orders", node_type="effect", description="Orders.")
    package = codegen_ast.generate_declarative(spec)
    assert "handler.py" in package.files and not any(tmp_path.iterdir())
    root = package.write(tmp_path)
    assert (root / "handler.py").read_text() == package.files["handler.py"]
    assert (tmp_path / "onex_support" / "codegen-manifest.json").is_file()


def scripts() -> dict[str, str]:
    return {match["name"]: "# file: " + match["name"] + "\n" + match["code"] for match in _SCRIPT.finditer(DOC.read_text())}


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    for case in cases():
        if case.name in ("audit_plain_effect", "partial_health", "pricing_compute_comments"):
            shutil.copy(case.input, tmp_path / f"node_{case.name}.py")
    (tmp_path / "broken.py").write_text("class NodeXEffect(NodeEffect:\n", encoding="utf-8")
    return tmp_path


def run_script(code: str, folder: Path, repository: Path) -> str:
    script = folder / "script.py"
    script.write_text(code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script), str(repository)], capture_output=True, text=True, timeout=120, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def test_the_redis_health_check_example_runs(repository: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    code = scripts()["add_redis_health.py"]
    output = run_script(code, tmp_path_factory.mktemp("script"), repository)
    assert "3 files changed" in output and "left alone: " in output
    for path in repository.glob("node_*.py"):
        text = path.read_text()
        assert "async def _check_redis_health(self) -> ModelHealthStatus:" in text
        assert "self._check_redis_health" in text.split("def get_health_checks")[1].split("\n    def ")[0]
        compile(text, str(path), "exec")
    assert "0 files changed" in run_script(code, tmp_path_factory.mktemp("again"), repository)


def test_the_custom_pattern_example_runs(repository: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    subprocess.run([sys.executable, "-m", "codegen_ast", "upgrade", str(repository), "--add", "health", "--write", "-q"],
                   capture_output=True, timeout=120, check=False, cwd=ROOT)
    output = run_script(scripts()["add_disk_check.py"], tmp_path_factory.mktemp("script"), repository)
    assert output.count("disk check added") == 3
    for path in repository.glob("node_*.py"):
        text = path.read_text()
        assert "def _check_disk_health(self) -> ModelHealthStatus:" in text and "import shutil" in text
        assert "self._check_disk_health" in text.split("def get_health_checks")[1].split("\n    def ")[0]


def test_the_pre_commit_hooks_run_real_commands(tmp_path: Path) -> None:
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {hook["id"] for hook in hooks} == {"codegen-ast-upgrade", "codegen-ast-validate"}
    node = tmp_path / "node.py"
    shutil.copy(cases()[0].input, node)
    for hook in hooks:
        program, *arguments = shlex.split(hook["entry"])
        assert program == "codegen-ast" and hook["language"] == "python"
        result = CliRunner().invoke(main, [*arguments, str(node)])
        # both find something to say about a hand-written node: exit 1, not a usage error (2)
        assert result.exit_code == 1, result.output

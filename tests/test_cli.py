"""The command line as a user drives it: every --help example, the README
quickstart, exit codes, and the conventions (dry-run, diff, check, defaults)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from codegen_ast import __version__
from codegen_ast.cli import main
from codegen_ast.manifest import read_manifest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _examples(command: str) -> list[str]:
    text = CliRunner().invoke(main, [command, "--help"] if command else ["--help"]).output
    block = text.split("Examples:\n", 1)[1].split("\n\n", 1)[0]
    return [line.strip().split("  #")[0].strip() for line in block.splitlines()]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A project folder with the bundled examples, as a user's checkout would have."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(ROOT / "examples", project / "examples")
    return project


def _run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    from tests.conftest import MYPY_CACHE  # the suite's warm cache (else the user's cache folder)

    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "MYPY_CACHE_DIR": str(MYPY_CACHE)}
    return subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


# example -> the exit code it documents (0 unless it shows a finding)
COMMANDS = ("", "new", "regenerate", "explain", "patterns", "mixins", "schema")


def test_every_help_example_runs(workspace: Path) -> None:
    examples = list(dict.fromkeys(example for command in COMMANDS for example in _examples(command)))
    assert len(examples) >= 13
    for example in examples:
        result = _run(example, workspace)
        assert "Traceback" not in result.stderr, example
        assert result.returncode == 0, f"{example}\n{result.stdout}\n{result.stderr}"
    assert (workspace / "out" / "node_orders_effect" / "node.py").is_file()
    assert (workspace / "out" / "node_stock_effect" / "node.py").is_file()

    # validate's examples name a src/ tree, a lone node.py and another project's venv
    from tests.conftest import MYPY_CACHE

    shutil.copytree(workspace / "out" / "node_orders_effect", workspace / "src" / "node_orders_effect")
    if (workspace / "out" / "onex_support").is_dir():  # a declarative package imports its folder's support package
        shutil.copytree(workspace / "out" / "onex_support", workspace / "src" / "onex_support")
    shutil.copy(workspace / "out" / "node_orders_effect" / "node.py", workspace / "node.py")
    (workspace.parent / "service" / ".venv" / "bin").mkdir(parents=True)
    (workspace.parent / "service" / ".venv" / "bin" / "python").symlink_to(sys.executable)
    MYPY_CACHE.mkdir(exist_ok=True)
    (workspace / ".mypy_cache").symlink_to(MYPY_CACHE, target_is_directory=True)
    for example in _examples("validate"):
        result = _run(example, workspace)
        assert "Traceback" not in result.stderr, example
        # 1 = findings: a lone node.py has no contract.yaml beside it
        assert result.returncode == (1 if " node.py " in example else 0), f"{example}\n{result.stdout}\n{result.stderr}"
    assert json.loads((workspace / "report.json").read_text())["passed"] is True


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_dry_run_diff_and_check(workspace: Path) -> None:
    spec = str(workspace / "examples" / "orders_effect.yaml")
    out = str(workspace / "out")
    runner = CliRunner()
    dry = runner.invoke(main, ["new", spec, "-o", out, "--dry-run", "--format", "json"])
    assert dry.exit_code == 0
    [outcome] = json.loads(dry.stdout)
    assert outcome["status"] == "would-write" and "node.py" in outcome["files"]
    assert not (workspace / "out").exists()  # dry run writes nothing

    assert runner.invoke(main, ["new", spec, "-o", out, "--check"]).exit_code == 1
    assert runner.invoke(main, ["new", spec, "-o", out, "-q"]).exit_code == 0
    assert runner.invoke(main, ["new", spec, "-o", out, "--check"]).exit_code == 0

    node = workspace / "out" / "node_orders_effect" / "node.py"
    node.write_text(node.read_text().replace("Order persistence", "Edited"))
    diff = runner.invoke(main, ["new", spec, "-o", out, "--diff"])
    assert diff.exit_code == 0
    assert "-    \"\"\"Edited for the shop.\"\"\"" in diff.output
    assert "+    \"\"\"Order persistence for the shop.\"\"\"" in diff.output
    assert runner.invoke(main, ["new", spec, "-o", out, "--check"]).exit_code == 1


def test_many_specs_one_failure_does_not_stop_the_others(workspace: Path) -> None:
    bad = workspace / "bad.yaml"
    bad.write_text("name: my-node\nnode_type: effect\ndescription: x\n")
    good = workspace / "examples" / "orders_effect.yaml"
    result = CliRunner().invoke(main, ["new", str(bad), str(good), "-o", str(workspace / "out")])
    assert result.exit_code == 2
    assert "1 of 2 specs done, 1 failed:" in result.output
    assert f"  {bad}" in result.output
    assert (workspace / "out" / "node_orders_effect").is_dir()


def test_quick_path_without_a_file(workspace: Path) -> None:
    result = CliRunner().invoke(
        main, ["new", "--name", "stock", "--type", "effect", "--dep", "postgres", "--feature", "retry", "-o", str(workspace),
               "--shape", "declarative"]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((workspace / "node_stock_effect" / "codegen-manifest.json").read_text())
    assert manifest["spec"]["dependencies"] == ["postgres"]
    registry = (workspace / "node_stock_effect" / "registry" / "registry_stock.py").read_text()
    assert "self.postgres: PostgresPool = PostgresPool()" in registry  # started, probed and released by onex_support
    missing_type = CliRunner().invoke(main, ["new", "--name", "stock", "-o", str(workspace)])
    assert missing_type.exit_code == 2
    assert "cannot tell the node type" in missing_type.output and "pass --type effect|compute|reducer|orchestrator" in missing_type.output


def test_defaults_come_from_the_nearest_pyproject(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (workspace / "pyproject.toml").write_text('[tool.codegen-ast]\noutput = "generated"\nlevel = "basic"\n')
    (workspace / "examples" / "deep").mkdir()
    monkeypatch.chdir(workspace / "examples" / "deep")
    result = CliRunner().invoke(main, ["new", "../orders_effect.yaml"])
    assert result.exit_code == 0, result.output
    assert (workspace / "generated" / "node_orders_effect").is_dir()
    assert "validated at level basic" in result.output
    (workspace / "pyproject.toml").write_text('[tool.codegen-ast]\noutpt = "x"\n')
    wrong = CliRunner().invoke(main, ["new", "../orders_effect.yaml"])
    assert wrong.exit_code == 2
    assert "tool.codegen-ast.outpt: unknown setting" in wrong.output


@pytest.mark.parametrize("shape", ["declarative", "imperative"])
def test_the_shape_comes_from_the_nearest_pyproject_and_the_flag_wins(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, shape: str
) -> None:
    other = "imperative" if shape == "declarative" else "declarative"
    (workspace / "pyproject.toml").write_text(f'[tool.codegen-ast]\noutput = "generated"\nshape = "{shape}"\n')
    monkeypatch.chdir(workspace)
    configured = CliRunner().invoke(main, ["new", "examples/orders_effect.yaml", "--level", "none"])
    assert configured.exit_code == 0, configured.output
    package = workspace / "generated" / "node_orders_effect"
    assert (package / "handler.py").is_file() == (shape == "declarative")
    assert read_manifest(package).shape == shape
    flagged = CliRunner().invoke(main, ["new", "examples/orders_effect.yaml", "-o", "flagged", "--level", "none",
                                        "--shape", other])
    assert flagged.exit_code == 0, flagged.output
    assert read_manifest(workspace / "flagged" / "node_orders_effect").shape == other
    (workspace / "pyproject.toml").write_text('[tool.codegen-ast]\nshape = "shell"\n')
    wrong = CliRunner().invoke(main, ["new", "examples/orders_effect.yaml", "-o", "x"])
    assert wrong.exit_code == 2
    assert "tool.codegen-ast.shape: unknown shape 'shell': use one of declarative, imperative" in wrong.output
    assert not (workspace / "x").exists()


def test_regenerate_reports_a_conflict_with_exit_code_1(workspace: Path) -> None:
    spec = workspace / "examples" / "orders_effect.yaml"
    out = workspace / "out"
    assert CliRunner().invoke(main, ["new", str(spec), "-o", str(out), "-q"]).exit_code == 0
    node = out / "node_orders_effect" / "node.py"
    node.write_text(node.read_text().replace('"""Order persistence for the shop."""', '"""Mine."""'))
    spec.write_text(spec.read_text().replace("Order persistence for the shop.", "Orders, v2."))
    result = CliRunner().invoke(main, ["regenerate", str(out / "node_orders_effect"), "--spec", str(spec)])
    assert result.exit_code == 1
    assert "changed by you and by the generator" in result.output
    assert '"""Mine."""' in node.read_text()


def test_patterns_lists_one_line_each() -> None:
    result = CliRunner().invoke(main, ["patterns"])
    lines = result.output.splitlines()
    assert result.exit_code == 0
    assert len(lines) >= 12
    assert all(re.match(r"^[a-z_]+\s{2,}\S", line) for line in lines)


def test_readme_quickstart_demo_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.+?)\n```", quickstart)
    assert commands == ["bash scripts/demo", "bash scripts/test"]
    result = subprocess.run(
        ["bash", "scripts/demo", str(Path(os.environ.get("TMPDIR", "/tmp")) / f"demo-{os.getpid()}")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "handle(create_order) -> ModelOrdersOutput" in result.stdout
    assert "exit 0, completed:" in result.stdout  # the contract on RuntimeLocal
    assert "All validations passed!" in result.stdout
    # the package's generated tests: shell, routing, and both operations' hook answers
    assert re.search(r"^4 passed in ", result.stdout, re.M), result.stdout[-2000:]


def test_help_lists_each_command_with_its_own_short_help() -> None:
    """The group lists commands without loading them; what it lists must be what they say."""
    from codegen_ast.cli import COMMANDS

    context = click.Context(main)
    for name in main.list_commands(context):
        command = main.get_command(context, name)
        assert command is not None and command.name == name
        assert COMMANDS[name][2] == command.get_short_help_str(limit=10_000), name
    listed = CliRunner().invoke(main, ["--help"]).output.split("Commands:\n", 1)[1].splitlines()
    shown = dict(line.split(None, 1) for line in listed if line.strip())
    assert list(shown) == sorted(COMMANDS)
    for name, text in shown.items():  # shortened as click does for an 80-column terminal
        command = main.get_command(context, name)
        assert command is not None and text == command.get_short_help_str(limit=64)


def test_help_and_the_library_import_load_no_generator_machinery() -> None:
    """`--help` and `import codegen_ast` stay cheap: libcst, black and mypy load on first use."""
    probe = (
        "import sys, codegen_ast, codegen_ast.cli\n"
        "heavy = [m for m in ('libcst', 'black', 'mypy', 'pydantic', 'codegen_ast.generate') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
        "from codegen_ast import generate, NodeSpec\n"
        "print(generate.__module__, NodeSpec.__module__)\n"
    )
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert shown.stdout.splitlines() == ["", "codegen_ast.generate codegen_ast.spec.node"]

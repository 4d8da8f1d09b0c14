"""`codegen-ast upgrade PATH... [--add ...] [--diff|--check|--write] [-j N]`."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from codegen_ast.cli import main
from codegen_ast.upgrade.files import upgrade_files
from tests.upgrade.golden_corpus import cases

SAMPLE = [case for case in cases() if case.name in ("audit_plain_effect", "partial_health", "two_space_indent", "ledger_reducer")]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small repository: four hand-written nodes and a module without one."""
    for case in SAMPLE:
        target = tmp_path / "nodes" / case.name
        target.mkdir(parents=True)
        shutil.copy(case.input, target / "node.py")
    (tmp_path / "nodes" / "helpers.py").write_text("def helper() -> int:\n    return 1\n", encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["upgrade", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def snapshot(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(root.rglob("*.py"))}


def test_the_default_shows_a_diff_and_writes_nothing(repo: Path) -> None:
    before = snapshot(repo)
    status, stdout, stderr = run(str(repo))
    assert status == 0
    assert snapshot(repo) == before
    assert stdout.count("--- a/") == len(SAMPLE)
    assert "+    def _check_self_health(" in stdout and "+    @_record_metrics" in stdout
    assert "5 files, 4 to upgrade" in stderr


def test_check_fails_while_an_upgrade_is_due_and_write_makes_it_pass(repo: Path) -> None:
    status, stdout, _ = run(str(repo), "--check")
    assert status == 1 and stdout.count("would upgrade") == len(SAMPLE)
    status, stdout, _ = run(str(repo), "--write")
    assert status == 0 and stdout.count("upgraded") == len(SAMPLE)
    for case in SAMPLE:  # --write wrote exactly what the library computes (cases with add.txt: more)
        written = (repo / "nodes" / case.name / "node.py").read_text()
        assert written == case.expected.read_text() if case.add is None else written != case.input.read_text()
    assert (repo / "nodes" / "helpers.py").read_text() == "def helper() -> int:\n    return 1\n"
    status, stdout, stderr = run(str(repo), "--check")
    assert (status, stdout) == (0, "")
    assert "0 to upgrade" in stderr


def test_add_limits_the_upgrade_to_the_named_concerns(repo: Path) -> None:
    node = repo / "nodes" / "audit_plain_effect" / "node.py"
    status, _, _ = run(str(node), "--add", "logging", "--write", "-q")
    assert status == 0
    text = node.read_text()
    assert "def _emit_log(" in text and "_record_metrics" not in text and "get_health_checks" not in text


def test_unknown_concerns_are_a_usage_error(repo: Path) -> None:
    status, _, stderr = run(str(repo), "--add", "helth")
    assert status == 2 and "unknown concern 'helth': did you mean 'health'?" in stderr


def test_a_file_that_does_not_parse_is_reported_and_left_alone(repo: Path) -> None:
    broken = repo / "nodes" / "broken.py"
    broken.write_text("class NodeBrokenEffect(NodeEffect):\n    def process(self:\n", encoding="utf-8")
    status, stdout, _ = run(str(repo), "--write", "-q")
    assert status == 1  # a finding: the file needs you
    assert f"{broken}:1:1: UPG001 left alone: does not parse" in stdout
    assert broken.read_text() == "class NodeBrokenEffect(NodeEffect):\n    def process(self:\n"
    assert "def _check_self_health" in (repo / "nodes" / "partial_health" / "node.py").read_text()


def test_parallel_runs_give_the_same_upgrades(repo: Path) -> None:
    one = {item.path: item.result.source for item in upgrade_files([repo], jobs=1)}
    two = {item.path: item.result.source for item in upgrade_files([repo], jobs=2)}
    assert one == two and len(one) == 5
    status, stdout, _ = run(str(repo), "--check", "-j", "2")
    assert status == 1 and stdout.count("would upgrade") == len(SAMPLE)


def test_every_help_example_runs(tmp_path: Path) -> None:
    """The examples of `codegen-ast upgrade --help`, in order, in a project with src/nodes/."""
    nodes = tmp_path / "src" / "nodes"
    nodes.mkdir(parents=True)
    for case in SAMPLE:
        shutil.copy(case.input, nodes / f"node_{case.name}.py")
    help_text = CliRunner().invoke(main, ["upgrade", "--help"]).output
    block = help_text.split("Examples:\n", 1)[1].split("\n\n", 1)[0]
    examples = [line.split("  #")[0].split() for line in block.strip().splitlines()]
    assert len(examples) == 5
    previous = os.getcwd()
    os.chdir(tmp_path)
    try:
        for program, *arguments in examples:
            assert program == "codegen-ast"
            result = CliRunner().invoke(main, arguments, catch_exceptions=False)
            if "--to" in arguments:  # these nodes do not route by operation: left unchanged, said why
                assert result.exit_code == 1 and result.output.count("UPG002 left unchanged: ") == len(SAMPLE)
                continue
            assert result.exit_code == 0, (arguments, result.output)
    finally:
        os.chdir(previous)
    assert all("def _check_self_health(" in path.read_text() for path in nodes.glob("*.py"))


def test_each_file_reports_the_patterns_applied_and_skipped_with_why(repo: Path) -> None:
    node = repo / "nodes" / "audit_plain_effect" / "node.py"
    status, _, stderr = run(str(node), "--check")
    assert status == 1
    assert f"{node}: NodeAuditTrailEffect: applied metrics, health" in stderr
    assert f"{node}: NodeAuditTrailEffect: skipped errors: error mapping changes which exceptions callers see" in stderr
    status, stdout, _ = run(str(repo), "--diff", "--output-format", "json")
    report = {Path(item["path"]).parent.name: item for item in json.loads(stdout)}
    (audit,) = report["audit_plain_effect"]["nodes"]
    assert audit["class"] == "NodeAuditTrailEffect" and audit["applied"] == ["metrics", "health"]
    skipped = {item["pattern"]: item["reason"] for item in audit["skipped"]}
    assert skipped["errors"].endswith("ask for it with --add errors")
    assert "nothing the upgrade adds uses it" in skipped["logging"]

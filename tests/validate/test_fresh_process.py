"""A fresh `codegen-ast new` does only what it needs: contract answers kept on disk
spare the probe server (and its import of omnibase-core), and neither black nor mypy
nor the framework is imported into the command's own process at the default level."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
from codegen_ast.validate import target_env, validate
from tests.conftest import EXAMPLE_SPEC
from tests.validate.conftest import count_probe_asks

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server_asks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """Contract answers kept in an empty folder of this test; counts the contracts sent to the probe server."""
    return count_probe_asks(monkeypatch, tmp_path / "answers")


def _contract_findings(folder: Path) -> list[str]:
    report = validate([folder], level="basic", display_root=folder.parent)
    return sorted(f"{finding.rule} {finding.message}" for finding in report.findings if finding.rule.startswith("STR"))


def test_a_contract_checked_before_is_answered_from_disk(server_asks: list[int], tmp_path: Path) -> None:
    folder = generate(read_node_spec(EXAMPLE_SPEC)).write(tmp_path / "out")
    assert _contract_findings(folder) == []
    assert server_asks == [1]
    assert len(list((tmp_path / "answers").glob("*.json"))) == 1
    assert _contract_findings(folder) == []
    assert server_asks == [1], "the probe server was asked again about the same contract"

    # another text is another question, and what the framework refuses is refused from disk too
    contract = folder / "contract.yaml"
    contract.write_text(contract.read_text(encoding="utf-8") + "performance: {single_operation_max_ms: not-a-number}\n",
                        encoding="utf-8")
    refused = _contract_findings(folder)
    assert any("performance" in finding for finding in refused), refused
    assert server_asks == [1, 1]
    assert _contract_findings(folder) == refused
    assert server_asks == [1, 1]


def test_an_unreadable_answer_is_asked_again(server_asks: list[int], tmp_path: Path) -> None:
    folder = generate(read_node_spec(EXAMPLE_SPEC)).write(tmp_path / "out")
    assert _contract_findings(folder) == []
    for stored in (tmp_path / "answers").glob("*.json"):
        stored.write_text("{not json", encoding="utf-8")
    assert _contract_findings(folder) == []
    assert server_asks == [1, 1]


_SCRIPT = """
import sys
from codegen_ast.cli import main
sys.argv = ["codegen-ast", "new", sys.argv[1], "-o", sys.argv[2]]
try:
    main()
except SystemExit as done:
    assert done.code in (0, None), done.code
print("imported:", sorted({m.split(".")[0] for m in sys.modules} & {"black", "mypy", "omnibase_core", "jinja2"}))
"""


def test_new_at_the_default_level_imports_neither_black_nor_mypy_nor_the_framework(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(EXAMPLE_SPEC), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "imported: []" in done.stdout, done.stdout
    assert (tmp_path / "out" / "node_orders_effect" / "handler.py").is_file()


def test_the_early_start_leaves_other_cases_to_new(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from codegen_ast import cli

    started: list[object] = []
    monkeypatch.setattr(target_env, "prewarm", lambda python=None, command_line=None: started.append(python))
    monkeypatch.chdir(tmp_path)
    for arguments in (["x.yaml", "-o", "out", "--no-validate"], ["x.yaml", "--level", "none", "-o", "out"],
                      ["x.yaml", "--level=none"], ["x.yaml", "--python", "/usr/bin/python3"], ["--help"]):
        cli._start_validation_early(arguments)
    assert started == []
    cli._start_validation_early(["x.yaml", "-o", "out", "--level", "strict"])
    assert started == [None]
    (tmp_path / "pyproject.toml").write_text('[tool.codegen-ast]\nlevel = "none"\n', encoding="utf-8")
    cli._start_validation_early(["x.yaml", "-o", "out"])
    assert started == [None]

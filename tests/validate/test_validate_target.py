"""The target Python: asked in-process when it is this interpreter, through a
subprocess otherwise; and mypy pointed at it."""

from __future__ import annotations

import sys
import venv
from pathlib import Path

import pytest
from click.testing import CliRunner

from codegen_ast import cli
from codegen_ast.validate import Report, ValidationInputError, validate
from codegen_ast.validate.source import SourceFile
from codegen_ast.validate.target_env import TargetPython
from codegen_ast.validate.typecheck import mypy_arguments, partition
from tests.validate.conftest import CORPUS

STANDARD = CORPUS / "standard"


def other_path_to_this_python() -> str:
    """The same environment under another file name (python vs python3): not "this" interpreter."""
    here = Path(sys.executable)
    for name in ("python3", "python", f"python{sys.version_info.major}.{sys.version_info.minor}"):
        candidate = here.with_name(name)
        if candidate.exists() and candidate != here:
            return str(candidate)
    raise AssertionError(f"no second name for {here} in its folder")


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh virtual environment without omnibase-core."""
    folder = tmp_path_factory.mktemp("bare-venv")
    venv.create(folder, with_pip=False)
    return str(folder / "bin" / "python")


def test_this_interpreter_is_asked_in_process() -> None:
    assert TargetPython().in_process
    assert TargetPython(sys.executable).in_process
    assert not TargetPython(other_path_to_this_python()).in_process


def test_subprocess_target_gives_the_same_report(standard_report: Report) -> None:
    other = other_path_to_this_python()
    report = validate([STANDARD], level="standard", python=other, display_root=CORPUS)

    def where(found: Report) -> list[tuple[str, int, str, str]]:
        return [(f.file, f.line, f.rule, f.message.replace(str(found.python), "<python>")) for f in found.findings]

    assert where(report) == where(standard_report)
    assert report.python == other
    assert any(other in finding.message for finding in report.findings if finding.rule == "IMP001")


def test_imports_are_resolved_in_the_target_environment(tmp_path: Path, bare_python: str) -> None:
    module = tmp_path / "uses_framework.py"
    module.write_text("from omnibase_core.errors import ModelOnexError\n\nimport json\n", encoding="utf-8")
    assert validate([module], level="standard").findings == []
    report = validate([module], level="standard", python=bare_python, display_root=tmp_path)
    assert [(f.rule, f.line) for f in report.findings] == [("IMP001", 1)]
    assert bare_python in report.findings[0].message


def test_contracts_need_omnibase_core_in_the_target(bare_python: str) -> None:
    case = STANDARD / "str001_class_name"
    with pytest.raises(ValidationInputError, match="omnibase-core's contract models cannot be imported"):
        validate([case], level="basic", python=bare_python)
    result = CliRunner().invoke(cli.main, ["validate", str(case), "--python", bare_python])
    assert result.exit_code == 2
    assert "install omnibase-core there, or pass --python" in result.stderr
    assert "Traceback" not in result.output


def test_mypy_is_pointed_at_another_target(tmp_path: Path) -> None:
    this = mypy_arguments([tmp_path / "a.py"], TargetPython(), tmp_path / "cache")
    assert "--python-executable" not in this
    other = TargetPython(other_path_to_this_python())
    arguments = mypy_arguments([tmp_path / "a.py"], other, tmp_path / "cache")
    assert arguments[arguments.index("--python-executable") + 1] == other.executable
    assert arguments[arguments.index("--python-version") + 1] == f"{sys.version_info.major}.{sys.version_info.minor}"
    assert arguments[arguments.index("--cache-dir") + 1] == str(tmp_path / "cache")
    assert "--strict" in arguments and arguments[-1] == str(tmp_path / "a.py")


def test_packages_sharing_a_top_level_name_go_to_separate_mypy_calls(tmp_path: Path) -> None:
    sources = []
    for case in ("one", "two"):
        for relative in ("node_same_effect/__init__.py", "node_same_effect/node.py", f"helper_{case}.py"):
            path = tmp_path / case / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("X = 1\n", encoding="utf-8")
            sources.append(SourceFile.read(path, relative))
    other = tmp_path / "three" / "node_other_effect" / "__init__.py"
    other.parent.mkdir(parents=True)
    other.write_text("X = 1\n", encoding="utf-8")
    sources.append(SourceFile.read(other, "three"))

    groups = partition(sources)

    assert len(groups) == 2  # the fewest calls that keep top-level names unique
    assert sorted(len(group) for group in groups) == [2, 5]
    for group in groups:
        names = [source.path.relative_to(tmp_path).parts[1:] for source in group]
        assert len(names) == len(set(names))

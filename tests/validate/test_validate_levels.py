"""Levels: which stages run, what fails; the report's verdict, grouping and paths."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from codegen_ast.validate import LEVEL_STAGES, REPORT_SCHEMA, ValidationInputError, validate
from codegen_ast.validate import pipeline
from codegen_ast.validate.report import ManualCompletion, Report
from codegen_ast.validate.rules import Finding
from tests.validate.conftest import CORPUS, ROOT

STANDARD = CORPUS / "standard"


def test_level_none_runs_nothing_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_run(*args: object, **kwargs: object) -> object:
        raise AssertionError("level none ran a stage")

    for name in ("discover", "check_syntax", "check_structure", "check_imports", "check_security",
                 "check_completeness", "check_types", "TargetPython"):
        monkeypatch.setattr(pipeline, name, must_not_run)
    report = validate(["/no/such/path"], level="none", python="/no/such/python")
    assert report.stages == ()
    assert report.findings == [] and report.files == []
    assert report.passed and report.manual_completion is None


def test_basic_runs_syntax_and_structure_only() -> None:
    report = validate(
        [STANDARD / "syn001_missing_colon.py", STANDARD / "sec001_eval.py", STANDARD / "str001_class_name"],
        level="basic",
        display_root=CORPUS,
    )
    assert report.stages == ("syntax", "structure")
    assert {finding.rule for finding in report.findings} == {"SYN001", "STR001"}
    assert report.manual_completion is None


def test_standard_runs_stages_one_to_five() -> None:
    report = validate([CORPUS / "strict" / "typ001_type_error", STANDARD / "cmp003_not_implemented.py"],
                      level="standard", display_root=CORPUS)
    assert report.stages == LEVEL_STAGES["standard"]
    assert "types" not in report.stages
    assert [finding.rule for finding in report.findings] == ["CMP003"]  # no mypy at standard


def test_warnings_fail_only_at_strict() -> None:
    warning = Finding("a.py", 3, None, "CMP001", "warning", "completeness", "TODO marker", "do it")
    assert Report(level="standard", stages=LEVEL_STAGES["standard"], findings=[warning]).passed
    assert Report(level="basic", stages=LEVEL_STAGES["basic"], findings=[warning]).passed
    assert not Report(level="strict", stages=LEVEL_STAGES["strict"], findings=[warning]).passed
    error = Finding("a.py", 3, None, "CMP003", "error", "completeness", "raises", "implement")
    assert not Report(level="basic", stages=LEVEL_STAGES["basic"], findings=[error]).passed


def test_unknown_level_and_bad_input_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(ValidationInputError, match="unknown validation level 'loose'"):
        validate([tmp_path], level="loose")
    with pytest.raises(ValidationInputError, match="no such file or folder"):
        validate([tmp_path / "missing"])
    with pytest.raises(ValidationInputError, match="no Python files"):
        validate([tmp_path])
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(ValidationInputError, match="not a Python file"):
        validate([tmp_path / "notes.txt"])
    with pytest.raises(ValidationInputError, match="--python /no/such/python"):
        validate([STANDARD / "sec001_eval.py"], python="/no/such/python")


def test_report_groups_findings_by_file_and_lists_clean_files(standard_report: Report) -> None:
    grouped = standard_report.by_file()
    assert list(grouped) == sorted(grouped)
    assert grouped["standard/sec001_eval.py"][0].rule == "SEC001"
    assert grouped["standard/str001_class_name/node_widgets_effect/models.py"] == []
    text = standard_report.render_text()
    assert "standard/sec001_eval.py\n  5:18     error    SEC001" in text
    assert "fix: parse data with json.loads" in text
    assert text.rstrip().endswith("FAILED (errors fail at this level)")


def test_json_output_follows_the_documented_schema(standard_report: Report) -> None:
    document = json.loads(standard_report.to_json())
    jsonschema.validate(document, REPORT_SCHEMA)
    assert document["schema"] == "codegen-ast/validation-report" and document["schema_version"] == 1
    assert document["summary"]["findings"] == sum(len(entry["findings"]) for entry in document["files"])
    first = next(entry for entry in document["files"] if entry["findings"])["findings"][0]
    assert set(first) == {"file", "line", "column", "rule", "severity", "stage", "message", "fix"}


def test_docs_carry_the_exact_json_schema() -> None:
    docs = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert "```json\n" + json.dumps(REPORT_SCHEMA, indent=2) + "\n```" in docs


def test_manual_completion_share_is_none_without_handlers() -> None:
    assert ManualCompletion().share is None
    assert "no operation handlers" in ManualCompletion().describe()


def test_paths_outside_the_display_root_are_absolute(tmp_path: Path) -> None:
    copy = tmp_path / "sec001_eval.py"
    shutil.copy(STANDARD / "sec001_eval.py", copy)
    report = validate([copy], level="standard", display_root=CORPUS)
    assert report.findings[0].file == copy.resolve().as_posix()

"""A section codegen-ast carried unchanged from the source contract that the framework's
strict contract model refuses is a note (STR012) naming the section and its line, which
fails no level: the framework's own check (``onex compliance check``) and its runtime
accept the contract, and nothing is rewritten (issue 13, points 1 and 8). What
codegen-ast wrote itself, or a carried section edited since, is still held to the strict
model (STR009, a warning: it fails ``--level strict``)."""

from __future__ import annotations

from pathlib import Path

import yaml

from codegen_ast.generate import generate
from codegen_ast.readers import read_spec
from codegen_ast.validate import validate
from codegen_ast.validate.report import Report
from tests.conftest import ROOT

CONTRACTS = ROOT / "tests" / "contracts"


def _structure(folder: Path) -> list[tuple[str, str, int, str]]:
    report = validate([folder], level="basic", display_root=folder)
    return [(f.rule, f.severity, f.line, f.message) for f in report.findings if f.rule in ("STR009", "STR012")]


def _line(text: str, key: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if line.startswith(f"{key}:"))


def test_a_carried_section_the_strict_model_refuses_is_a_note_at_its_line(tmp_path: Path) -> None:
    package = generate(read_spec(CONTRACTS / "node_contact_sync_effect.yaml").spec)  # published_events at the top
    package.write(tmp_path)
    text = (tmp_path / package.name / "contract.yaml").read_text(encoding="utf-8")
    found = _structure(tmp_path)
    assert [(rule, severity, line) for rule, severity, line, _ in found] == [
        ("STR012", "note", _line(text, "published_events"))
    ]
    assert found[0][3].startswith("published_events") and "carried unchanged" in found[0][3]
    report = validate([tmp_path], level="basic", display_root=tmp_path)
    strict = Report(level="strict", stages=report.stages, findings=report.findings)
    assert strict.passed and strict.notes and not strict.warnings
    assert strict.as_dict()["summary"]["notes"] == 1  # type: ignore[index]


def test_a_carried_section_edited_since_is_held_to_the_strict_model(tmp_path: Path) -> None:
    package = generate(read_spec(CONTRACTS / "node_contact_sync_effect.yaml").spec)
    package.write(tmp_path)
    path = tmp_path / package.name / "contract.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["published_events"].append({"event_type": "again", "topic": "onex.evt.x.again.v1"})
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert [(rule, severity) for rule, severity, _, _ in _structure(tmp_path)] == [("STR009", "warning")]


def test_a_section_codegen_ast_writes_is_held_to_the_strict_model(tmp_path: Path) -> None:
    package = generate(read_spec(CONTRACTS / "node_contact_sync_effect.yaml").spec)
    package.write(tmp_path)
    path = tmp_path / package.name / "contract.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["handler_routing"]["routing_strategy"] = "by_magic"  # a section the generator writes, not carried
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    found = _structure(tmp_path)
    assert ("STR009", "warning") in [(rule, severity) for rule, severity, _, _ in found]
    assert all(not message.startswith("handler_routing") for rule, _, _, message in found if rule == "STR012")

"""The result of a validation run: findings grouped by file, the manual-completion
figure, a verdict, and two renderings (text for people, JSON for tools).

The JSON form is a stable interface, described by :data:`REPORT_SCHEMA` (JSON
Schema) and in ``docs/validation.md``. Within ``schema_version`` 1, changes are
additive only: new keys may appear, existing keys keep their name, type and
meaning. Anything else bumps ``schema_version``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

from codegen_ast.validate.report_model import SCHEMA_ID, SCHEMA_VERSION, report_schema
from codegen_ast.validate.rules import Finding, Severity, Stage

Level = Literal["none", "basic", "standard", "strict"]
LEVELS: tuple[Level, ...] = ("none", "basic", "standard", "strict")
LEVEL_STAGES: dict[Level, tuple[Stage, ...]] = {
    "none": (),
    "basic": ("syntax", "structure"),
    "standard": ("syntax", "structure", "imports", "security", "completeness"),
    "strict": ("syntax", "structure", "imports", "security", "completeness", "types"),
}


def failing_severities(level: Level) -> tuple[Severity, ...]:
    """Errors always fail a run; at ``strict`` warnings fail it too."""
    return ("error", "warning") if level == "strict" else ("error",)


# who wrote a handler body that is not still to write
Author = Literal["declarations", "model", "hand"]
AUTHORS: tuple[tuple[Author, str], ...] = (
    ("declarations", "declarations"), ("model", "a model (accepted)"), ("hand", "hand")
)


@dataclass(frozen=True)
class HandlerFigure:
    """One operation handler body, whether its lines are still to write, and who wrote them."""

    file: str
    line: int
    name: str
    lines: int
    to_write: bool
    reason: str
    written_by: Author | None = None  # None while to_write

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "name": self.name,
            "lines": self.lines,
            "to_write": self.to_write,
            "reason": self.reason,
            "written_by": self.written_by,
        }


@dataclass
class ManualCompletion:
    """The share of operation-handler lines a person still has to write."""

    handlers: list[HandlerFigure] = field(default_factory=list)

    @property
    def handler_lines(self) -> int:
        return sum(handler.lines for handler in self.handlers)

    @property
    def lines_to_write(self) -> int:
        return sum(handler.lines for handler in self.handlers if handler.to_write)

    def lines_by(self, author: Author) -> int:
        return sum(handler.lines for handler in self.handlers if handler.written_by == author)

    @property
    def share(self) -> float | None:
        """lines_to_write / handler_lines, or None when there are no handlers."""
        if not self.handler_lines:
            return None
        return round(self.lines_to_write / self.handler_lines, 4)

    def as_dict(self) -> dict[str, object]:
        return {
            "handler_lines": self.handler_lines,
            "lines_to_write": self.lines_to_write,
            "share": self.share,
            "written_by": {author: self.lines_by(author) for author, _ in AUTHORS},
            "handlers": [handler.as_dict() for handler in self.handlers],
        }

    def describe(self) -> str:
        if self.share is None:
            return "manual completion: no operation handlers found"
        pending = sum(1 for handler in self.handlers if handler.to_write)
        written = [
            f"{self.lines_by(author)} by {label}"
            for author, label in AUTHORS
            if self.lines_by(author)
        ]
        return (
            f"manual completion: {self.lines_to_write} of {self.handler_lines} "
            f"operation-handler lines still to write ({self.share:.0%}); "
            f"{pending} of {len(self.handlers)} handlers unfinished"
            + (f"; lines written: {', '.join(written)}" if written else "")
        )


@dataclass
class Report:
    """Everything a validation run found."""

    level: Level
    stages: tuple[Stage, ...] = ()
    python: str | None = None
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    manual_completion: ManualCompletion | None = None
    tool_version: str = "0.0.0"

    def __post_init__(self) -> None:
        self.findings = sorted(set(self.findings), key=_finding_order)

    @property
    def fail_on(self) -> tuple[Severity, ...]:
        return failing_severities(self.level)

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "warning"]

    @property
    def notes(self) -> list[Finding]:
        """Findings that fail no level (a section carried as written that a strict model refuses)."""
        return [finding for finding in self.findings if finding.severity == "note"]

    @property
    def passed(self) -> bool:
        return not any(finding.severity in self.fail_on for finding in self.findings)

    def by_file(self) -> dict[str, list[Finding]]:
        """Every checked file (and any other file a finding names) -> its findings."""
        grouped: dict[str, list[Finding]] = {path: [] for path in self.files}
        for finding in self.findings:
            grouped.setdefault(finding.file, []).append(finding)
        return dict(sorted(grouped.items()))

    def as_dict(self) -> dict[str, object]:
        return {
            "schema": SCHEMA_ID,
            "schema_version": SCHEMA_VERSION,
            "tool_version": self.tool_version,
            "level": self.level,
            "stages": list(self.stages),
            "python": self.python,
            "passed": self.passed,
            "fail_on": list(self.fail_on),
            "summary": {
                "files": len(self.files),
                "findings": len(self.findings),
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "notes": len(self.notes),
            },
            "manual_completion": (
                None if self.manual_completion is None else self.manual_completion.as_dict()
            ),
            "files": [
                {"path": path, "findings": [finding.as_dict() for finding in findings]}
                for path, findings in self.by_file().items()
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2)

    def render_text(self, *, show_clean_files: bool = False) -> str:
        """Findings grouped under their file, then a summary and the verdict."""
        out: list[str] = []
        for path, findings in self.by_file().items():
            if not findings and not show_clean_files:
                continue
            out.append(path)
            for finding in findings:
                where = f"{finding.line}" + (f":{finding.column}" if finding.column else "")
                out.append(f"  {where:<8} {finding.severity:<8} {finding.rule}  {finding.message}")
                out.append(f"  {'':<8} {'':<8} {'':<6}  fix: {finding.fix}")
        if not self.stages:
            out.append(f"level {self.level}: no stage run, nothing checked")
            return "\n".join(out)
        if out:
            out.append("")
        out.append(
            f"level {self.level} ({', '.join(self.stages)}): {_count(len(self.files), 'file')}"
            + (f", python {self.python}" if self.python else "")
        )
        if self.manual_completion is not None:
            out.append(self.manual_completion.describe())
        verdict = "passed" if self.passed else "FAILED"
        fails = " and ".join(f"{severity}s" for severity in self.fail_on)
        out.append(
            f"{_count(len(self.errors), 'error')}, {_count(len(self.warnings), 'warning')}"
            + (f", {_count(len(self.notes), 'note')}" if self.notes else "")
            + f": {verdict} ({fails} fail at this level)"
        )
        return "\n".join(out)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _finding_order(finding: Finding) -> tuple[str, int, int, str, str]:
    return (finding.file, finding.line, finding.column or 0, finding.rule, finding.message)


# generated by pydantic from the models in report_model.py (docs/validation.md shows it)
REPORT_SCHEMA: dict[str, object] = report_schema()

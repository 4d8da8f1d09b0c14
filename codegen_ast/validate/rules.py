"""What a rule is, and the finding it produces.

Every check of the pipeline is a :class:`Rule` with a stable id (``SEC001``), the
stage it belongs to, a severity, a one-line title and a default fix hint. Rules
whose subject is a single file also carry their own ``valid`` / ``invalid``
examples (Fixit style): the examples document the rule and the test suite runs
them, so an example that stops behaving as documented fails the build. A rule
about a file in a node package (a node class, an import of the package's own
project) says where its examples are written (``example_path``) and which files
surround them (``example_files``: a contract, a handler).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "note"]  # a note never fails a level
Stage = Literal["syntax", "structure", "imports", "security", "completeness", "types"]

STAGES: tuple[Stage, ...] = ("syntax", "structure", "imports", "security", "completeness", "types")


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place: ``file:line[:column]``, what is wrong and how to fix it.

    ``line`` and ``column`` are 1-based; ``column`` is ``None`` when the problem
    belongs to the whole line. ``file`` is the path as shown in reports.
    """

    file: str
    line: int
    column: int | None
    rule: str
    severity: Severity
    stage: Stage
    message: str
    fix: str

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": self.severity,
            "stage": self.stage,
            "message": self.message,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class Rule:
    """A check with a stable id; ``finding`` turns an observation into a Finding."""

    id: str
    stage: Stage
    severity: Severity
    title: str
    fix: str
    valid: tuple[str, ...] = field(default=(), repr=False)
    invalid: tuple[str, ...] = field(default=(), repr=False)
    example_path: str = field(default="example.py", repr=False)
    example_files: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (path, text) beside it

    def finding(
        self,
        file: str,
        line: int,
        message: str | None = None,
        *,
        column: int | None = None,
        fix: str | None = None,
    ) -> Finding:
        return Finding(
            file=file,
            line=max(line, 1),
            column=column,
            rule=self.id,
            severity=self.severity,
            stage=self.stage,
            message=message or self.title,
            fix=fix or self.fix,
        )

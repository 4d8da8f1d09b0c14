"""The errors codegen_ast reports to users: each names where and how to fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CodegenError(Exception):
    """Base class for errors shown to the user without a traceback."""

    exit_code = 2


@dataclass
class InputProblem:
    """One problem in an input file: where it is, what is wrong, what to do."""

    path: Path | None
    line: int | None  # 1-based
    field: str | None
    message: str

    def __str__(self) -> str:
        where = str(self.path) if self.path else "<input>"
        if self.line is not None:
            where += f":{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class SpecError(CodegenError):
    """An input file could not be turned into a valid NodeSpec."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


class OutputError(CodegenError):
    """The output location cannot be written safely."""

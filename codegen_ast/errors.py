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


class InternalError(CodegenError):
    """Something no check anticipated: a defect of codegen-ast, reported without a traceback."""

    exit_code = 3


def as_codegen_error(error: Exception) -> CodegenError:
    """Any exception as an error to show the user in one line.

    An OS error names its path (exit code 2), input nested beyond Python's
    recursion limit or larger than the memory says so (exit code 2); anything
    else is a defect of codegen-ast (exit code 3)."""
    if isinstance(error, CodegenError):
        return error
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename is not None else ""
        return OutputError(f"{where}{error.strerror or error}: check the path, its permissions and the free space")
    if isinstance(error, RecursionError):
        return SpecError([InputProblem(None, None, None, "the input nests too deeply to be processed: flatten it")])
    if isinstance(error, MemoryError):
        return SpecError([InputProblem(None, None, None, "the input is too large for the available memory")])
    return InternalError(
        f"internal error, a defect of codegen-ast ({type(error).__name__}: {error}); please report it "
        "with the input that caused it (CODEGEN_AST_TRACEBACK=1 shows the traceback)"
    )

"""Stage 1, syntax: every Python file compiles.

A file that does not compile is left out of every later stage (their findings
would be noise); this stage says why it does not compile.
"""

from __future__ import annotations

from codegen_ast.validate.rules import Finding, Rule
from codegen_ast.validate.source import Workspace

DOES_NOT_COMPILE = Rule(
    "SYN001", "syntax", "error",
    "file does not compile",
    "correct the syntax at this line (the message says what the parser expected)",
    valid=("def add(a: int, b: int) -> int:\n    return a + b\n",),
    invalid=(
        "def add(a: int, b: int) -> int\n    return a + b\n",
        "return 1\n",  # parses, but compile() rejects a return outside a function
    ),
)
RULES = (DOES_NOT_COMPILE,)


def check_syntax(workspace: Workspace) -> list[Finding]:
    findings: list[Finding] = []
    for source in workspace.sources:
        if source.decode_error is not None:
            findings.append(DOES_NOT_COMPILE.finding(source.display, 1, source.decode_error,
                                                     fix="save the file as UTF-8 text"))
        elif source.syntax_error is not None:
            error = source.syntax_error
            findings.append(
                DOES_NOT_COMPILE.finding(
                    source.display,
                    error.lineno or 1,
                    f"does not compile: {error.msg}",
                    column=error.offset or None,
                )
            )
    return findings

"""The validation pipeline: six stages, four levels, one report.

    from codegen_ast.validate import validate

    report = validate(["out/node_orders_effect"], level="strict")
    report.passed, report.findings, report.manual_completion
    print(report.render_text())  # or report.to_json()

Stages: syntax, structure (ONEX compliance), imports, security, completeness,
types (mypy --strict). Levels: none (nothing runs), basic (syntax, structure),
standard (stages 1-5), strict (all six; warnings fail too). Every rule, the
manual-completion formula and the JSON schema are described in docs/validation.md.
"""

from codegen_ast.validate.catalog import RULES, rule
from codegen_ast.validate.pipeline import validate, validate_generated
from codegen_ast.validate.report import (
    LEVEL_STAGES,
    LEVELS,
    REPORT_SCHEMA,
    HandlerFigure,
    Level,
    ManualCompletion,
    Report,
)
from codegen_ast.validate.rules import STAGES, Finding, Rule, Severity, Stage
from codegen_ast.validate.source import ValidationInputError

__all__ = [
    "LEVELS",
    "LEVEL_STAGES",
    "REPORT_SCHEMA",
    "RULES",
    "STAGES",
    "Finding",
    "HandlerFigure",
    "Level",
    "ManualCompletion",
    "Report",
    "Rule",
    "Severity",
    "Stage",
    "ValidationInputError",
    "rule",
    "validate",
    "validate_generated",
]

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

from typing import TYPE_CHECKING

from codegen_ast._lazy import lazy_exports

# public name -> the module that defines it, imported on first use (PEP 562): the
# submodules light enough for a fresh `new` to need early (target_env, which starts
# the validation workers) must not pull in the rule catalogue and its imports
_EXPORTS = {
    "RULES": "codegen_ast.validate.catalog",
    "rule": "codegen_ast.validate.catalog",
    "validate": "codegen_ast.validate.pipeline",
    "validate_generated": "codegen_ast.validate.pipeline",
    "LEVEL_STAGES": "codegen_ast.validate.report",
    "LEVELS": "codegen_ast.validate.report",
    "REPORT_SCHEMA": "codegen_ast.validate.report",
    "HandlerFigure": "codegen_ast.validate.report",
    "Level": "codegen_ast.validate.report",
    "ManualCompletion": "codegen_ast.validate.report",
    "Report": "codegen_ast.validate.report",
    "STAGES": "codegen_ast.validate.rules",
    "Finding": "codegen_ast.validate.rules",
    "Rule": "codegen_ast.validate.rules",
    "Severity": "codegen_ast.validate.rules",
    "Stage": "codegen_ast.validate.rules",
    "ValidationInputError": "codegen_ast.validate.source",
}

if TYPE_CHECKING:
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


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())


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

"""``codegen-ast validate``, and the check ``codegen-ast new`` runs before it writes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from codegen_ast.commands.common import EXIT_FINDINGS, EXIT_USAGE, Diagnostic, Progress, Run, shared_options
from codegen_ast.errors import CodegenError, SpecError
from codegen_ast.generate import GeneratedPackage
from codegen_ast.validate.pipeline import as_level, validate, validate_generated
from codegen_ast.validate.report import LEVEL_STAGES, LEVELS, Report
from codegen_ast.validate.rules import Finding
from codegen_ast.validate.source import CONTRACT_NAME, ValidationInputError

LEVEL_HELP = (
    "none: run nothing; basic: syntax + structure; standard: + imports, security, "
    "completeness; strict: + mypy --strict, and warnings fail too."
)
PYTHON_HELP = (
    "Interpreter of the environment that has omnibase-core (default: [tool.codegen-ast] python, "
    "else the one running codegen-ast)."
)
SPEC_PROBLEM = "SPC001"
_YAML = (".yaml", ".yml")


class GeneratedPackageInvalid(CodegenError):
    """``codegen-ast new`` refused to write a package that fails validation."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


def check_before_write(package: GeneratedPackage, *, level: str, python: str | None = None) -> Report:
    """Validate ``package`` in a private folder; raise GeneratedPackageInvalid when it fails."""
    report = validate_generated(package, level=level, python=python)
    if not report.passed:
        raise GeneratedPackageInvalid(
            f"refusing to write {package.name}: it fails validation level {level!r} "
            f"({len(report.errors)} error(s), {len(report.warnings)} warning(s)). "
            "Pass --no-validate (or --level none) to write it anyway.\n\n"
            + "\n".join(item.text() for item in report_diagnostics(report)),
            report,
        )
    return report


def finding_diagnostic(finding: Finding) -> Diagnostic:
    return Diagnostic(finding.file, finding.line, finding.column or 1, finding.rule, finding.message,
                      finding.severity, finding.fix)


def report_diagnostics(report: Report) -> list[Diagnostic]:
    return [finding_diagnostic(finding) for finding in report.findings]


# a spec (node_type), an older v2 contract (node_id) or an ONEX contract has one of these at the top
_SPEC_KEYS = frozenset({"node_type", "node_id", "contract_version"})


def _is_spec(path: Path) -> bool:
    """A YAML file codegen-ast reads (a spec or a contract); other YAML is skipped quietly.
    YAML that does not load counts as a spec, so its error is reported."""
    from codegen_ast.readers.yaml_source import load_yaml

    try:
        data = load_yaml(path).data
    except SpecError:
        return True
    return isinstance(data, dict) and bool(_SPEC_KEYS & set(data))


def check_specs(paths: list[Path]) -> list[Diagnostic]:
    """Read each spec or contract YAML file; every problem is a finding."""
    from codegen_ast.readers import read_spec

    found = []
    for path in paths:
        try:
            read_spec(path)
        except SpecError as error:
            for problem in error.problems:
                where = problem.path or path
                field = f"{problem.field}: " if problem.field else ""
                found.append(Diagnostic(where.as_posix(), problem.line or 1, 1, SPEC_PROBLEM, field + problem.message))
    return found


def _summary(run: Run, report: Report, specs: int) -> None:
    if run.quiet:
        return
    if not report.stages:
        run.out(f"level {report.level}: no stage run, nothing checked")
        return
    files = len(report.files) + specs
    run.out(f"level {report.level} ({', '.join(report.stages)}): {_count(files, 'file')}"
            + (f", python {report.python}" if report.python else ""))
    if report.manual_completion is not None:
        run.out(report.manual_completion.describe())
    verdict = run.style("passed", fg="green") if report.passed else run.style("FAILED", fg="red", bold=True)
    fails = " and ".join(f"{severity}s" for severity in report.fail_on)
    notes = f", {_count(len(report.notes), 'note')}" if report.notes else ""
    run.out(f"{_count(len(report.errors), 'error')}, {_count(len(report.warnings), 'warning')}{notes}: {verdict} "
            f"({fails} fail at this level)")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--level", type=click.Choice(LEVELS), default=None,
              help="Default: [tool.codegen-ast] level, else standard. " + LEVEL_HELP)
@click.option("--python", "python", metavar="PATH", default=None, help=PYTHON_HELP)
@click.option(
    "--mypy-cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="mypy cache folder for --level strict, kept between runs (default: $MYPY_CACHE_DIR, else "
    "codegen-ast/mypy/<key> in the user's cache folder, e.g. ~/.cache/codegen-ast/mypy/<key>, "
    "<key> a digest of this Python and the target's; never the current folder).",
)
@shared_options(output_formats=("text", "json", "github"), exclude=True)
def validate_command(
    paths: tuple[Path, ...],
    level: str | None,
    python: str | None,
    mypy_cache: Path | None,
    run: Run,
) -> None:
    """Check node packages or Python files: syntax, ONEX structure, imports,
    security, completeness and types.

    PATH is a node package folder, a folder holding several, single .py /
    contract.yaml files, or spec YAML files (read and checked like `new`
    reads them; YAML that is neither a spec nor a contract is skipped, so a
    pre-commit hook can pass every YAML file). Folder walks leave out what git
    ignores and --exclude. Findings print as path:line:col: CODE message.
    Exit status: 0 passed, 1 findings that fail the level (errors; at strict
    also warnings), 2 unusable input. --output-format json prints the
    documented report (docs/validation.md).

    \b
    Examples:
      codegen-ast validate out/node_orders_effect
      codegen-ast validate out/ --level strict --mypy-cache .mypy_cache
      codegen-ast validate src/ --format json > report.json
      codegen-ast validate examples/orders_effect.yaml
      codegen-ast validate node.py --python ../service/.venv/bin/python
    """
    level = run.level(level)
    yaml_files = [path for path in paths if path.suffix in _YAML and path.name != CONTRACT_NAME and path.is_file()]
    others = [path for path in paths if path not in yaml_files]
    specs = [path for path in yaml_files if not run.excludes.excluded(path, is_dir=False) and _is_spec(path)]
    for skipped in sorted(set(yaml_files) - set(specs)):
        run.detail(f"skipped {skipped}: not a spec or a contract")
    spec_findings = check_specs(specs) if level != "none" else []
    try:
        with Progress(run, "validate", 1) as progress, progress.item(", ".join(map(str, others)) or "specs"):
            report = (validate(others, level=level, python=run.python(python), mypy_cache=mypy_cache,
                               excludes=run.excludes)
                      if others else Report(level=as_level(level), stages=LEVEL_STAGES[as_level(level)]))
    except ValidationInputError as error:
        run.error(str(error))
        sys.exit(EXIT_USAGE)
    found = spec_findings + report_diagnostics(report)
    failed = not report.passed or bool(spec_findings)
    if run.output_format == "json":
        data = report.as_dict()
        if spec_findings:
            data["passed"] = False
            data["specs"] = [item.as_dict() for item in spec_findings]
        import json

        run.out(json.dumps(data, indent=2))
    else:
        run.diagnostics(found)
        if run.output_format == "text":
            _summary(run, report, len(specs))
    sys.exit(EXIT_FINDINGS if failed else 0)

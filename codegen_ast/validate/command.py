"""``codegen-ast validate``, and the check ``codegen-ast new`` runs before it writes."""

from __future__ import annotations

from pathlib import Path

import click

from codegen_ast.errors import CodegenError
from codegen_ast.generate import GeneratedPackage
from codegen_ast.validate.pipeline import validate, validate_generated
from codegen_ast.validate.report import LEVELS, Report
from codegen_ast.validate.source import ValidationInputError

EXIT_FINDINGS = 1
EXIT_USAGE = 2

LEVEL_HELP = (
    "none: run nothing; basic: syntax + structure; standard: + imports, security, "
    "completeness; strict: + mypy --strict, and warnings fail too."
)
PYTHON_HELP = (
    "Interpreter of the environment that has omnibase-core (default: the one running codegen-ast)."
)


class GeneratedPackageInvalid(CodegenError):
    """``codegen-ast new`` refused to write a package that fails validation."""

    exit_code = EXIT_FINDINGS


def check_before_write(package: GeneratedPackage, *, level: str, python: str | None = None) -> Report:
    """Validate ``package`` in a private folder; raise GeneratedPackageInvalid when it fails."""
    report = validate_generated(package, level=level, python=python)
    if not report.passed:
        raise GeneratedPackageInvalid(
            f"refusing to write {package.name}: it fails validation level {level!r} "
            f"({len(report.errors)} error(s), {len(report.warnings)} warning(s)). "
            "Pass --no-validate (or --level none) to write it anyway.\n\n" + report.render_text()
        )
    return report


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--level", type=click.Choice(LEVELS), default="standard", show_default=True, help=LEVEL_HELP)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: findings grouped by file; json: the documented report schema (docs/validation.md).",
)
@click.option("--python", "python", metavar="PATH", default=None, help=PYTHON_HELP)
@click.option(
    "--mypy-cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="mypy cache folder for --level strict, kept between runs (default: .mypy_cache here).",
)
@click.pass_context
def validate_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    level: str,
    output_format: str,
    python: str | None,
    mypy_cache: Path | None,
) -> None:
    """Check node packages or Python files: syntax, ONEX structure, imports,
    security, completeness and types.

    PATH is a node package folder, a folder holding several, or single .py /
    contract.yaml files. Exit status: 0 passed, 1 findings that fail the level
    (errors; at strict also warnings), 2 unusable input.

    \b
    Examples:
      codegen-ast validate out/node_orders_effect
      codegen-ast validate out/ --level strict --mypy-cache .mypy_cache
      codegen-ast validate src/ --format json > report.json
      codegen-ast validate node.py --python ../service/.venv/bin/python
    """
    try:
        report = validate(paths, level=level, python=python, mypy_cache=mypy_cache)
    except ValidationInputError as error:
        click.echo(f"error: {error}", err=True)
        ctx.exit(EXIT_USAGE)
    click.echo(report.to_json() if output_format == "json" else report.render_text())
    ctx.exit(0 if report.passed else EXIT_FINDINGS)

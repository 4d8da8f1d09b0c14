"""``codegen-ast new --prompt``: ask the model for a spec, save it, show it for review."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from codegen_ast.errors import CodegenError, InputProblem, SpecError
from codegen_ast.llm import Provider
from codegen_ast.prompt_spec import save_answer, spec_request
from codegen_ast.readers import read_spec

EXIT_DECLINED = 1
EXIT_REVIEW_NEEDED = 2


class SpecNotReviewed(CodegenError):
    """Nobody could review the model's spec (no terminal, no --yes)."""

    exit_code = EXIT_REVIEW_NEEDED


def spec_from_prompt(
    description: str,
    provider: Provider,
    output_dir: Path,
    *,
    spec_out: Path | None,
    node_type: str | None,
    review: bool,
    ask: bool,
    force: bool,
    to_stderr: bool = False,
) -> Path:
    """The path of the spec the model wrote for ``description``, once it reads as a valid
    spec and was reviewed (or ``review`` is off). Exits when the person declines."""
    completion = provider.complete(spec_request(description))
    with tempfile.TemporaryDirectory(prefix="codegen-ast-prompt-") as folder:
        draft = Path(folder) / "spec.yaml"
        text = save_answer(completion.text, draft)
        try:
            read = read_spec(draft, node_type)
        except SpecError as error:
            kept = spec_out or output_dir / "prompt-answer.spec.yaml"
            _save(kept, text, force=True)
            problems = [InputProblem(kept, p.line, p.field, p.message) for p in error.problems]
            problems.append(InputProblem(kept, None, None, f"the spec {completion.model} wrote does not validate: "
                                         f"fix it and run codegen-ast new {kept} -o {output_dir}"))
            raise SpecError(problems) from None
    target = spec_out or output_dir / f"{read.spec.package_name}.spec.yaml"
    _save(target, text, force=force)
    if not review:
        return target
    click.echo(f"The spec {completion.model} wrote, saved to {target}:\n", err=to_stderr)
    click.echo(text, err=to_stderr)
    if read.classification is not None and read.classification.source == "inferred":
        click.echo(f"node type: {read.classification.describe()}", err=to_stderr)
    if not ask:
        raise SpecNotReviewed(
            f"review the spec above, then generate it with `codegen-ast new {target} -o {output_dir}`, "
            "or re-run with --yes to generate without review"
        )
    if not click.confirm("Generate this node?", default=True, err=True):
        click.echo(f"nothing generated; edit {target} and run `codegen-ast new {target} -o {output_dir}`", err=True)
        sys.exit(EXIT_DECLINED)
    return target


def _save(path: Path, text: str, *, force: bool) -> None:
    if path.exists() and not force and path.read_text(encoding="utf-8") != text:
        raise SpecError([InputProblem(path, None, None, "a different spec is already there: pass --force to replace it, "
                                      "or --spec-out FILE to save elsewhere")])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")

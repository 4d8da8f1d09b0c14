"""``codegen-ast new``: specs (any dialect, or flags) -> node packages on disk."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import click

from codegen_ast.classify import AmbiguousNodeType, settle_node_type
from codegen_ast.commands.output import changed_files, unified_diff
from codegen_ast.config import load_defaults
from codegen_ast.errors import CodegenError, InputProblem, SpecError, as_codegen_error
from codegen_ast.generate import generate
from codegen_ast.llm import Provider, choose_provider
from codegen_ast.package import write_package
from codegen_ast.readers import ReadResult, read_spec, spec_from_data
from codegen_ast.selection import select
from codegen_ast.spec import DEPENDENCIES, FEATURES, NODE_TYPES
from codegen_ast.validate.command import LEVEL_HELP, PYTHON_HELP, check_before_write
from codegen_ast.validate.report import LEVELS


@dataclass
class Outcome:
    """What happened to one spec."""

    source: str
    status: str = "failed"  # written | unchanged | would-write | would-change | failed
    package: str | None = None
    files: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    validation: str | None = None
    node_type: str | None = None  # how the node type was settled, when it was not written in the spec
    fill: list[dict[str, object]] | None = None  # --fill llm: each open handler, accepted or rejected
    fill_text: list[str] = field(default_factory=list)
    exit_code: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if key not in ("exit_code", "fill_text")}


def _quick_spec(
    name: str, node_type: str | None, *, deps: tuple[str, ...], features: tuple[str, ...], ops: tuple[str, ...]
) -> ReadResult:
    data: dict[str, Any] = {
        "name": name,
        "description": f"The {name.replace('_', ' ')} node.",
        "dependencies": list(deps),
        "features": list(features),
        "operations": list(ops),
    }
    data, classification = settle_node_type(data, node_type, path=None)
    data["description"] = f"The {name.replace('_', ' ')} {data['node_type']} node."
    return ReadResult(spec_from_data(data), "spec", classification=classification)


def interactive() -> bool:
    """Whether a person can answer a question (stdin and stderr are terminals)."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def _read(read: Callable[[str | None], ReadResult], node_type: str | None, ask: bool) -> ReadResult:
    """``read`` with ``--type``; when the node type is ambiguous and a person is there, ask them."""
    try:
        return read(node_type)
    except AmbiguousNodeType as ambiguity:
        if not ask:
            raise
        click.echo(str(ambiguity), err=True)
        chosen: str = click.prompt("node type", type=click.Choice(ambiguity.candidates), err=True)
        return read(chosen)


def _one(
    read: ReadResult,
    source: str,
    output_dir: Path,
    *,
    mode: str,
    force: bool,
    follow_symlinks: bool,
    level: str,
    python: str | None,
    verbose: bool,
    provider: Provider | None = None,
) -> Outcome:
    outcome = Outcome(source, warnings=[str(w) for w in read.warnings])
    if read.classification is not None and read.classification.source == "inferred":
        outcome.node_type = read.classification.describe()
    package = generate(read.spec)
    outcome.package = package.name
    outcome.files = sorted(package.files)
    if verbose:
        for decision in select(read.spec).log:
            click.echo(f"  {decision.topic}: {decision.choice} ({decision.reason})", err=True)
    if provider is not None:
        from codegen_ast.fill import fill_package

        package, filled = fill_package(package, provider, python=python, output_dir=output_dir)
        outcome.fill = filled.as_dict()
        outcome.fill_text = filled.describe()
    if level != "none":
        report = check_before_write(package, level=level, python=python)
        completion = report.manual_completion
        outcome.validation = f"validated at level {level}" + (f"; {completion.describe()}" if completion else "")
    target = output_dir / package.name
    outcome.changed = changed_files(package, target)
    if mode == "dry-run":
        outcome.status = "would-write" if outcome.changed else "unchanged"
    elif mode == "diff":
        outcome.status = "would-change" if outcome.changed else "unchanged"
        click.echo(unified_diff(package, target), nl=False)
    elif mode == "check":
        outcome.status = "would-change" if outcome.changed else "unchanged"
        outcome.exit_code = 1 if outcome.changed else 0
    else:
        write_package(package, output_dir, force=force, follow_symlinks=follow_symlinks,
                      notify=outcome.warnings.append)
        outcome.status = "written"
    return outcome


@click.command("new")
@click.argument("spec_files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", "output_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write packages into (default: `output` in [tool.codegen-ast] of pyproject.toml).")
@click.option("--name", help="Quick path without a file: the node's snake_case name.")
@click.option("--type", "node_type", type=click.Choice(NODE_TYPES),
              help="The node type, for --name and for specs that do not give one (else it is inferred).")
@click.option("--dep", "deps", multiple=True, type=click.Choice(DEPENDENCIES), help="Quick path: a dependency (repeatable).")
@click.option("--feature", "features", multiple=True, type=click.Choice(FEATURES), help="Quick path: a feature (repeatable).")
@click.option("--op", "ops", multiple=True, help="Quick path: an operation name (repeatable).")
@click.option("--prompt", "description", metavar="TEXT",
              help="Describe the node in words: a model writes the spec, shown for review before generating.")
@click.option("--yes", is_flag=True, help="With --prompt: generate without the review.")
@click.option("--spec-out", type=click.Path(path_type=Path, dir_okay=False),
              help="With --prompt: where to save the model's spec (default: OUTPUT/<package>.spec.yaml).")
@click.option("--fill", type=click.Choice(["none", "llm"]), default="none", show_default=True,
              help="llm: a model writes the handler bodies no declaration covers; each is kept only when the "
                   "package passes strict validation and its own tests, else the generated default stays.")
@click.option("--llm-fixture", type=click.Path(path_type=Path, dir_okay=False),
              help="Replay recorded completions from FILE instead of asking the CODEGEN_AST_LLM_* endpoint.")
@click.option("--force", is_flag=True, help="Replace packages that already exist.")
@click.option("--follow-symlinks", is_flag=True, help="Write into OUTPUT even when it is a symbolic link (refused otherwise).")
@click.option("--dry-run", "mode", flag_value="dry-run", help="List the files that would be written; write nothing.")
@click.option("--diff", "mode", flag_value="diff", help="Print a unified diff against what is on disk; write nothing.")
@click.option("--check", "mode", flag_value="check", help="Exit 1 if generating would change anything (for CI); write nothing.")
@click.option("--level", type=click.Choice(LEVELS), default=None,
              help="Validate before writing (default: [tool.codegen-ast] level, else standard). " + LEVEL_HELP)
@click.option("--no-validate", is_flag=True, help="Write without validating (same as --level none).")
@click.option("--python", metavar="PATH", default=None, help=PYTHON_HELP)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people, json for tools.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also print the selector's decisions.")
def new_command(
    spec_files: tuple[Path, ...],
    output_dir: Path | None,
    name: str | None,
    node_type: str | None,
    deps: tuple[str, ...],
    features: tuple[str, ...],
    ops: tuple[str, ...],
    description: str | None,
    yes: bool,
    spec_out: Path | None,
    fill: str,
    llm_fixture: Path | None,
    force: bool,
    follow_symlinks: bool,
    mode: str | None,
    level: str | None,
    no_validate: bool,
    python: str | None,
    output_format: str,
    quiet: bool,
    verbose: bool,
) -> None:
    """Write the node package of each SPEC_FILE (or of --name/--type) into OUTPUT.

    A SPEC_FILE is our NodeSpec YAML, a current ONEX contract.yaml or an older
    v2 contract, detected automatically. Each package is built in memory,
    formatted, validated (--level), then written atomically as
    OUTPUT/node_<name>_<type>/ with a manifest for `regenerate`. One failing
    spec does not stop the others; the failures are listed at the end.

    Without a node type (in the spec or --type), it is inferred from what the
    spec declares; when that is ambiguous you are asked, or (not at a
    terminal) the command stops with exit code 2 naming the candidates.
    --prompt and --fill llm ask a language model: --llm-fixture FILE replays
    recorded answers, else CODEGEN_AST_LLM_BASE_URL, _MODEL and _API_KEY name
    an OpenAI-compatible endpoint (docs/llm.md). For instance
    `new spec.yaml -o out/ --fill llm`, or `new --prompt "Records orders in
    PostgreSQL" -o out/`.

    \b
    Examples:
      codegen-ast new examples/orders_effect.yaml -o out/
      codegen-ast new examples/orders_effect.yaml -o out/ --check
      codegen-ast new examples/orders_effect.yaml -o out/ --diff
      codegen-ast new examples/*.yaml -o out/ --force
      codegen-ast new --name stock --type effect --dep http --feature circuit_breaker -o out/
      codegen-ast new examples/orders_effect.yaml -o out/ --dry-run --format json
    """
    defaults = load_defaults()
    output_dir = output_dir or defaults.output
    if output_dir is None:
        raise SpecError([InputProblem(None, None, "-o", "no output folder: pass -o DIR or set output in [tool.codegen-ast]")])
    if not spec_files and name is None and description is None:
        raise SpecError([InputProblem(None, None, None, "nothing to generate: give spec files, --name, or --prompt")])
    level = "none" if no_validate else (level or defaults.level or "standard")
    if level not in LEVELS:
        raise SpecError([InputProblem(defaults.source, None, "tool.codegen-ast.level", f"use one of {', '.join(LEVELS)}")])
    python = python or defaults.python
    ask = interactive() and output_format == "text"
    provider = choose_provider(llm_fixture) if fill == "llm" or description is not None else None
    jobs: list[tuple[str, Path | None]] = [(str(path), path) for path in spec_files]
    if description is not None:
        assert provider is not None
        from codegen_ast.commands.new_prompt import spec_from_prompt

        saved = spec_from_prompt(description, provider, output_dir, spec_out=spec_out, node_type=node_type,
                                 review=not yes, ask=ask, force=force, to_stderr=output_format == "json")
        jobs.append((str(saved), saved))
    if name is not None:
        jobs.append((f"--name {name}", None))

    outcomes: list[Outcome] = []
    show_bar = len(jobs) > 1 and sys.stdout.isatty() and not quiet and output_format == "text"
    with click.progressbar(jobs, label="generating", file=sys.stderr if show_bar else None, hidden=not show_bar) as bar:
        for source, path in bar:
            try:
                if path is not None:
                    read = _read(partial(read_spec, path), node_type, ask)
                else:
                    read = _read(partial(_quick_spec, name or "", deps=deps, features=features, ops=ops), node_type, ask)
                outcome = _one(read, source, output_dir, mode=mode or "write", force=force,
                               follow_symlinks=follow_symlinks, level=level, python=python, verbose=verbose,
                               provider=provider if fill == "llm" else None)
            except Exception as error:  # one bad spec never stops the others
                if os.environ.get("CODEGEN_AST_TRACEBACK") and not isinstance(error, CodegenError):
                    raise
                shown = as_codegen_error(error)
                outcome = Outcome(source, error=str(shown), exit_code=shown.exit_code)
            outcomes.append(outcome)

    _report(outcomes, output_dir, output_format, quiet)
    sys.exit(max((o.exit_code for o in outcomes), default=0))


def _report(outcomes: list[Outcome], output_dir: Path, output_format: str, quiet: bool) -> None:
    if output_format == "json":
        click.echo(json.dumps([o.as_dict() for o in outcomes], indent=2))
        return
    for outcome in outcomes:
        for warning in outcome.warnings:
            click.echo(f"warning: {warning}", err=True)
        if outcome.node_type is not None and not quiet:
            click.echo(f"node type: {outcome.node_type}", err=True)
        for line in [] if quiet else outcome.fill_text:
            click.echo(line)
        if outcome.error is not None:
            click.echo(f"error: {outcome.error}", err=True)
        elif not quiet:
            verb = {"written": "wrote", "would-write": "would write", "would-change": "would change", "unchanged": "up to date:"}
            listed = outcome.files if outcome.status in ("written", "would-write") else outcome.changed
            click.echo(f"{verb[outcome.status]} {output_dir / (outcome.package or '')} ({len(listed)} files)")
            for relative in listed:
                click.echo(f"  {relative}")
            if outcome.validation:
                click.echo(outcome.validation)
    failed = [o for o in outcomes if o.error is not None]
    if len(outcomes) > 1 and not quiet:
        done = len(outcomes) - len(failed)
        click.echo(f"{done} of {len(outcomes)} specs done, {len(failed)} failed" + (":" if failed else ""))
        for outcome in failed:
            click.echo(f"  {outcome.source}")

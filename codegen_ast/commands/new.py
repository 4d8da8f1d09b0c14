"""``codegen-ast new``: specs (any dialect, or flags) -> node packages on disk."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import click

from codegen_ast._version import __version__
from codegen_ast.classify import AmbiguousNodeType, settle_node_type
from codegen_ast.commands.common import Diagnostic, Progress, Run, read_stdin, shared_options
from codegen_ast.commands.output import changed_files, unified_diff
from codegen_ast.config import DEFAULT_SHAPE, SHAPES
from codegen_ast.errors import CodegenError, InputProblem, OutputError, SpecError, as_codegen_error
from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.declarative.support_folder import plan_support, write_support
from codegen_ast.generate import GeneratedPackage, generate
from codegen_ast.llm import Provider, choose_provider
from codegen_ast.manifest import MANIFEST, read_manifest, render_manifest
from codegen_ast.package import write_package
from codegen_ast.readers import ReadResult, read_spec, spec_from_data
from codegen_ast.readers.overrides import HELP as OVERRIDE_HELP
from codegen_ast.regenerate import enclosing_package, user_work
from codegen_ast.selection import select
from codegen_ast.spec import DEPENDENCIES, FEATURES, NODE_TYPES
from codegen_ast.validate.command import LEVEL_HELP, PYTHON_HELP, GeneratedPackageInvalid, check_before_write, report_diagnostics
from codegen_ast.validate.report import LEVELS
from codegen_ast.validate.target_env import prewarm

STDIN = "-"


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
    diagnostics: list[Diagnostic] = field(default_factory=list)
    exit_code: int = 0

    def as_dict(self) -> dict[str, Any]:
        data = {key: value for key, value in self.__dict__.items()
                if key not in ("exit_code", "diagnostics", "fill_text")}
        data["findings"] = [item.as_dict() for item in self.diagnostics]
        return data


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


def read_stdin_spec(node_type: str | None = None, overrides: tuple[str, ...] = ()) -> ReadResult:
    """The spec on standard input (any dialect); problems name it ``-``."""
    with tempfile.TemporaryDirectory(prefix="codegen-ast-stdin-") as folder:
        path = Path(folder) / "stdin.yaml"
        path.write_text(read_stdin(), encoding="utf-8")
        try:
            return read_spec(path, node_type, overrides)
        except SpecError as error:
            raise SpecError([InputProblem(Path(STDIN) if p.path == path else p.path, p.line, p.field, p.message)
                             for p in error.problems]) from None


def _with_spec_file(package: GeneratedPackage, spec_file: Path | None, target: Path, overrides: tuple[str, ...]) -> None:
    """Record where the spec is, relative to the package, and the --set overrides, so that `regenerate` re-reads it."""
    if spec_file is None:
        return
    relative = Path(os.path.relpath(spec_file.resolve(), target.resolve())).as_posix()
    files = {name: text for name, text in package.files.items() if name != MANIFEST}
    package.files[MANIFEST] = render_manifest(package.spec, files, __version__, spec_file=relative, overrides=overrides)


def _refuse_second_copy(package: GeneratedPackage, output_dir: Path) -> None:
    """Never write a package inside another, nor beside a renamed copy of itself."""
    inside = enclosing_package(output_dir) if output_dir.exists() else None
    if inside is not None:
        raise OutputError(f"{output_dir} is inside the generated package {inside}: "
                          f"use `codegen-ast regenerate {inside}`, or choose an -o folder outside it")
    if not output_dir.is_dir():
        return
    for name, recorded in sorted(_recorded_names(output_dir).items()):
        if name != package.name and recorded == package.name:
            sibling = output_dir / name
            raise OutputError(f"{sibling} already holds {package.name} (renamed): "
                              f"use `codegen-ast regenerate {sibling}`, or remove it first")


# Per output folder: the package name each folder's manifest records (None: no manifest
# or none readable), read once per `new` command (emptied when it starts). The packages
# the command writes itself are each in a folder of their own name, which never makes
# another package a renamed copy: what was read before they were written stays true.
_RECORDED: dict[Path, dict[str, str | None]] = {}


def _recorded_names(output_dir: Path) -> dict[str, str | None]:
    """What :data:`_RECORDED` knows of ``output_dir``, its folders not seen yet read now."""
    known = _RECORDED.setdefault(output_dir.resolve(), {})
    for sibling in output_dir.iterdir():
        if sibling.name not in known:
            spec = read_manifest(sibling).spec if (sibling / MANIFEST).is_file() else None
            known[sibling.name] = spec.package_name if spec is not None else None
    return known


def _check_replace(target: Path, force: int, discard_edits: bool) -> None:
    """An existing package is replaced only when asked, and the user's work only when asked twice."""
    if not target.exists():
        return
    if force == 0:
        raise OutputError(f"{target} already exists: `codegen-ast regenerate {target}` updates it and keeps "
                          "your edits (--force replaces it)")
    if force >= 2 or discard_edits:
        return
    work = user_work(target)
    if work:
        listed = "\n".join(f"  {line}" for line in work)
        raise OutputError(f"--force would destroy your work in {target}:\n{listed}\n"
                          f"`codegen-ast regenerate {target}` keeps it; to destroy it anyway pass --force twice "
                          "(or --discard-edits)")


@dataclass(frozen=True)
class Mode:
    check: bool = False
    diff: bool = False
    dry_run: bool = False
    force: int = 0
    discard_edits: bool = False
    follow_symlinks: bool = False
    shape: str = DEFAULT_SHAPE

    @property
    def writing(self) -> bool:
        return not (self.check or self.diff or self.dry_run)


def _one(read: ReadResult, source: str, spec_file: Path | None, output_dir: Path, *, mode: Mode, level: str,
         python: str | None, run: Run, provider: Provider | None = None) -> Outcome:
    outcome = Outcome(source, warnings=[str(w) for w in read.warnings])
    if read.classification is not None and read.classification.source == "inferred":
        outcome.node_type = read.classification.describe()
    try:
        package = generate_declarative(read.spec) if mode.shape == "declarative" else generate(read.spec)
    except SpecError as error:  # found while generating: named in the spec file
        raise SpecError([InputProblem(p.path or spec_file, p.line, p.field, p.message)
                         for p in error.problems]) from None
    if package.beside:
        plan_support(output_dir)  # refuses a folder whose onex_support is newer, or edited
    outcome.package = package.name
    outcome.files = sorted(package.files)
    target = output_dir / package.name
    _with_spec_file(package, spec_file, target, read.overrides)
    for decision in select(read.spec).log:
        run.detail(f"  {decision.topic}: {decision.choice} ({decision.reason})")
    _refuse_second_copy(package, output_dir)
    if provider is not None:
        from codegen_ast.fill import fill_package

        package, filled = fill_package(package, provider, python=python, output_dir=output_dir)
        outcome.fill = filled.as_dict()
        outcome.fill_text = filled.describe()
    if level != "none":
        report = check_before_write(package, level=level, python=python)
        completion = report.manual_completion
        outcome.validation = f"validated at level {level}" + (f"; {completion.describe()}" if completion else "")
    outcome.changed = changed_files(package, target)
    if mode.diff:
        run.diff(unified_diff(package, target))
    if mode.writing:
        if package.beside:
            write_support(output_dir, follow_symlinks=mode.follow_symlinks)
        write_package(package, output_dir, force=True, follow_symlinks=mode.follow_symlinks,
                      notify=outcome.warnings.append,
                      guard=lambda path: _check_replace(path, mode.force, mode.discard_edits))
        _RECORDED.setdefault(output_dir.resolve(), {})[package.name] = package.name  # it now records itself
        outcome.status = "written"
    else:
        outcome.status = ("would-write" if not target.exists() else "would-change") if outcome.changed else "unchanged"
        outcome.exit_code = 1 if mode.check and outcome.changed else 0
    return outcome


@click.command("new")
@click.argument("spec_files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
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
                   "package passes strict validation and its own tests, else the generated default stays "
                   "(handle() bodies; run() in the declarative shape).")
@click.option("--llm-fixture", type=click.Path(path_type=Path, dir_okay=False),
              help="Replay recorded completions from FILE instead of asking the CODEGEN_AST_LLM_* endpoint.")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=OVERRIDE_HELP)
@click.option("--shape", type=click.Choice(SHAPES), default=None,
              help="declarative: the framework's declarative node (a shell node.py, handlers/ per operation, "
                   "registry/, a routing contract, onex_support written once in OUTPUT; docs/declarative-shape.md); "
                   f"every node type. imperative: one node.py holding the patterns. Default: shape in "
                   f"[tool.codegen-ast], else {DEFAULT_SHAPE}.")
@click.option("--force", count=True,
              help="Replace a package that exists; twice to destroy your edits and files in it too.")
@click.option("--discard-edits", is_flag=True, help="With --force: replace the package even where you changed it.")
@click.option("--follow-symlinks", is_flag=True, help="Write into OUTPUT even when it is a symbolic link (refused otherwise).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if generating would change anything (CI).")
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff against what is on disk.")
@click.option("--dry-run", is_flag=True, help="Write nothing; list the files that would be written.")
@click.option("--level", type=click.Choice(LEVELS), default=None,
              help="Validate before writing (default: [tool.codegen-ast] level, else standard). " + LEVEL_HELP)
@click.option("--no-validate", is_flag=True, help="Write without validating (same as --level none).")
@click.option("--python", metavar="PATH", default=None, help=PYTHON_HELP)
@shared_options(output_formats=("text", "json", "github"))
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
    force: int,
    discard_edits: bool,
    follow_symlinks: bool,
    shape: str | None,
    check: bool,
    diff: bool,
    dry_run: bool,
    level: str | None,
    no_validate: bool,
    python: str | None,
    run: Run,
    overrides: tuple[str, ...] = (),
) -> None:
    """Write the node package of each SPEC_FILE (or of --name/--type) into OUTPUT.

    The package is the framework's declarative node: a shell node.py, one
    handler per operation in handlers/, its resources in registry/, a
    contract RuntimeLocal runs, and onex_support written once in OUTPUT
    (docs/declarative-shape.md). --shape imperative (or shape in
    [tool.codegen-ast]) writes the earlier shape, one node.py holding it all.

    A SPEC_FILE is our NodeSpec YAML, a current ONEX contract.yaml or an older
    v2 contract, detected automatically; `-` reads one from standard input.
    Each package is built in memory, formatted, validated (--level), then
    written atomically as OUTPUT/node_<name>_<type>/ with a manifest for
    `regenerate`. An existing package is left alone: `regenerate` updates it
    keeping your edits; --force replaces it, but only when you changed
    nothing in it (else it lists what would be lost; --force twice or
    --discard-edits). One failing spec does not stop the others.

    Without a node type (in the spec or --type), it is inferred from what the
    spec declares; when that is ambiguous you are asked, or (not at a
    terminal) the command stops with exit code 2 naming the candidates.
    --prompt and --fill llm ask a language model: --llm-fixture FILE replays
    recorded answers, else CODEGEN_AST_LLM_BASE_URL, _MODEL and _API_KEY name
    an OpenAI-compatible endpoint (docs/llm.md). For instance
    `new spec.yaml -o out/ --fill llm`, or `new --prompt "Records orders in
    PostgreSQL" -o out/`.

    --check, --diff and --dry-run write nothing and combine. Exit status: 0
    done, 1 changes due (--check) or validation findings, 2 bad input.

    \b
    Examples:
      codegen-ast new examples/orders_effect.yaml -o out/
      codegen-ast new examples/orders_effect.yaml -o out/ --check
      codegen-ast new examples/orders_effect.yaml -o out/ --check --diff
      codegen-ast new examples/*.yaml -o out/ --force
      codegen-ast new - -o piped/ < examples/orders_effect.yaml
      codegen-ast new --name stock --type effect --dep http --feature circuit_breaker -o out/
      codegen-ast new examples/orders_effect.yaml -o out/ --dry-run --format json
    """
    output_dir = output_dir or run.defaults.output
    if output_dir is None:
        raise SpecError([InputProblem(None, None, "-o", "no output folder: pass -o DIR or set output in [tool.codegen-ast]")])
    if not spec_files and name is None and description is None:
        raise SpecError([InputProblem(None, None, None, "nothing to generate: give spec files, -, --name, or --prompt")])
    if list(map(str, spec_files)).count(STDIN) > 1:
        raise click.UsageError("- (standard input) can be given once")
    shape = run.shape(shape)
    level = "none" if no_validate else run.level(level)
    python = run.python(python)
    _RECORDED.clear()  # what the output folder holds is read anew by each command
    if level != "none":
        prewarm(python)  # the framework's contract models load in another process meanwhile
    mode = Mode(check=check, diff=diff, dry_run=dry_run, force=force, discard_edits=discard_edits,
                follow_symlinks=follow_symlinks, shape=shape)
    ask = interactive() and run.output_format == "text"
    provider = choose_provider(llm_fixture) if fill == "llm" or description is not None else None
    jobs: list[tuple[str, Path | None]] = [(str(path), path) for path in spec_files]
    if description is not None:
        assert provider is not None
        from codegen_ast.commands.new_prompt import spec_from_prompt

        saved = spec_from_prompt(description, provider, output_dir, spec_out=spec_out, node_type=node_type,
                                 review=not yes, ask=ask, force=force > 0,
                                 to_stderr=run.output_format == "json")
        jobs.append((str(saved), saved))
    if name is not None:
        jobs.append((f"--name {name}", None))

    outcomes: list[Outcome] = []
    with Progress(run, "new", len(jobs)) as progress:
        for source, path in jobs:
            with progress.item(source):
                outcomes.append(_attempt(source, path, output_dir, mode=mode, level=level, python=python, run=run,
                                         node_type=node_type, ask=ask, provider=provider if fill == "llm" else None,
                                         overrides=overrides,
                                         quick=partial(_quick_spec, name or "", deps=deps, features=features, ops=ops)))
    _report(outcomes, output_dir, run, mode)
    sys.exit(max((o.exit_code for o in outcomes), default=0))


def _attempt(source: str, path: Path | None, output_dir: Path, *, mode: Mode, level: str, python: str | None,
             run: Run, node_type: str | None, ask: bool, provider: Provider | None,
             quick: Callable[[str | None], ReadResult], overrides: tuple[str, ...] = ()) -> Outcome:
    try:
        if path is None:
            read, spec_file = _read(quick, node_type, ask), None
        elif str(path) == STDIN:
            read, spec_file = read_stdin_spec(node_type, overrides), None
        else:
            read, spec_file = _read(partial(read_spec, path, overrides=overrides), node_type, ask), path
        return _one(read, source, spec_file, output_dir, mode=mode, level=level, python=python, run=run,
                    provider=provider)
    except GeneratedPackageInvalid as error:
        message = str(error).split("\n\n", 1)[0]
        return Outcome(source, error=message, diagnostics=report_diagnostics(error.report), exit_code=error.exit_code)
    except Exception as error:  # one bad spec never stops the others
        if os.environ.get("CODEGEN_AST_TRACEBACK") and not isinstance(error, CodegenError):
            raise
        shown = as_codegen_error(error)
        return Outcome(source, error=str(shown), exit_code=shown.exit_code)


def _report(outcomes: list[Outcome], output_dir: Path, run: Run, mode: Mode) -> None:
    if run.output_format == "json":
        run.out(json.dumps([o.as_dict() for o in outcomes], indent=2))
        return
    for outcome in outcomes:
        for warning in outcome.warnings:
            run.warning(warning)
        if outcome.node_type is not None:
            run.info(f"node type: {outcome.node_type}")
        for line in [] if run.quiet else outcome.fill_text:
            run.out(line)
        run.diagnostics(outcome.diagnostics)
        if outcome.error is not None:
            run.error(outcome.error)
            continue
        verb = {"written": "wrote", "would-write": "would write", "would-change": "would change", "unchanged": "up to date:"}
        listed = outcome.files if outcome.status in ("written", "would-write") else outcome.changed
        target = output_dir / (outcome.package or "")
        if mode.diff and not mode.dry_run and not mode.check:
            run.info(f"{verb[outcome.status]} {target} ({len(listed)} files)")
        elif not run.quiet:
            run.out(f"{verb[outcome.status]} {target} ({len(listed)} files)")
            for relative in listed:
                run.out(f"  {relative}")
            if outcome.validation:
                run.out(outcome.validation)
    failed = [o for o in outcomes if o.error is not None]
    if len(outcomes) > 1 and not run.quiet:
        done = len(outcomes) - len(failed)
        run.out(f"{done} of {len(outcomes)} specs done, {len(failed)} failed" + (":" if failed else ""))
        for outcome in failed:
            run.out(f"  {outcome.source}")

"""What every command shares, the way black and ruff do it.

- exit codes: 0 done, 1 changes due or findings, 2 usage or input error;
- ``-q``/``-v``, ``--config FILE``, ``--isolated`` and ``--color`` on every
  command (``NO_COLOR`` in the environment turns colour off, as everywhere);
- findings as ``path:line:col: CODE message``, or ``--output-format json`` /
  ``github`` (GitHub Actions annotations);
- progress: a bar on a terminal, a plain line every few seconds elsewhere
  (``CODEGEN_AST_PROGRESS_S``, default 10), so a long CI run is never silent.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from codegen_ast.config import Defaults, load_defaults
from codegen_ast.walk import Excludes

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
OUTPUT_FORMATS = ("text", "json", "github")

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding of any command: where, a stable code, what is wrong."""

    path: str
    line: int
    column: int
    code: str
    message: str
    severity: str = "error"  # error | warning | note
    fix: str | None = None

    def text(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"

    def github(self) -> str:
        def escape(value: str) -> str:
            return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        level = {"warning": "warning", "note": "notice"}.get(self.severity, "error")
        where = f"file={escape(self.path)},line={self.line},col={self.column},title={self.code}"
        return f"::{level} {where}::{escape(self.message)}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
        }


def _wants_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@dataclass
class Run:
    """One invocation's conventions: verbosity, colour, settings, output format."""

    quiet: bool = False
    verbose: bool = False
    color: bool = False
    defaults: Defaults = field(default_factory=Defaults)
    excludes: Excludes = field(default_factory=Excludes)
    output_format: str = "text"

    # --- output ---------------------------------------------------------------
    def out(self, text: str = "", *, nl: bool = True) -> None:
        """Data the user asked for (stdout)."""
        click.echo(text, nl=nl, color=self.color)

    def info(self, text: str) -> None:
        """What happened (stderr); -q silences it."""
        if not self.quiet:
            click.echo(text, err=True, color=self.color)

    def detail(self, text: str) -> None:
        """More of what happened (stderr); only with -v."""
        if self.verbose and not self.quiet:
            click.echo(text, err=True, color=self.color)

    def note(self, text: str) -> None:
        if not self.quiet:
            click.echo(self.style("note: ", fg="cyan") + text, err=True, color=self.color)

    def warning(self, text: str) -> None:
        click.echo(self.style("warning: ", fg="yellow") + text, err=True, color=self.color)

    def error(self, text: str) -> None:
        click.echo(self.style("error: ", fg="red", bold=True) + text, err=True, color=self.color)

    def style(self, text: str, **styles: Any) -> str:
        return click.style(text, **styles) if self.color else text

    def diff(self, text: str) -> None:
        """A unified diff (stdout), coloured like git's."""
        if not self.color:
            self.out(text, nl=False)
            return
        for line in text.splitlines(keepends=True):
            if line.startswith(("+++", "---")):
                self.out(self.style(line, bold=True), nl=False)
            elif line.startswith("+"):
                self.out(self.style(line, fg="green"), nl=False)
            elif line.startswith("-"):
                self.out(self.style(line, fg="red"), nl=False)
            elif line.startswith("@@"):
                self.out(self.style(line, fg="cyan"), nl=False)
            else:
                self.out(line, nl=False)

    def diagnostics(self, found: Sequence[Diagnostic]) -> None:
        """Findings in the chosen --output-format (json is a list of objects)."""
        if self.output_format == "json":
            self.out(json.dumps([item.as_dict() for item in found], indent=2))
            return
        for item in found:
            if self.output_format == "github":
                self.out(item.github())
                continue
            color = {"warning": "yellow", "note": "cyan"}.get(item.severity, "red")
            where = self.style(f"{item.path}:{item.line}:{item.column}:", bold=True)
            self.out(f"{where} {self.style(item.code, fg=color, bold=True)} {item.message}")
            if item.fix and not self.quiet:
                self.out(f"    fix: {item.fix}")

    # --- settings -------------------------------------------------------------
    def level(self, given: str | None) -> str:
        from codegen_ast.errors import InputProblem, SpecError
        from codegen_ast.validate.report import LEVELS

        level = given or self.defaults.level or "standard"
        if level not in LEVELS:
            raise SpecError([InputProblem(self.defaults.source, None, "tool.codegen-ast.level",
                                          f"unknown level {level!r}: use one of {', '.join(LEVELS)}")])
        return level

    def python(self, given: str | None) -> str | None:
        return given or self.defaults.python

    def shape(self, given: str | None) -> str:
        """The shape ``new`` generates: --shape, else ``shape`` in [tool.codegen-ast], else the default."""
        from codegen_ast.config import DEFAULT_SHAPE, SHAPES
        from codegen_ast.errors import InputProblem, SpecError

        shape = given or self.defaults.shape or DEFAULT_SHAPE
        if shape not in SHAPES:
            raise SpecError([InputProblem(self.defaults.source, None, "tool.codegen-ast.shape",
                                          f"unknown shape {shape!r}: use one of {', '.join(SHAPES)}")])
        return shape


def shared_options(*, output_formats: Sequence[str] | None = None, exclude: bool = False) -> Callable[[F], F]:
    """Add the options every command has; the command receives ``run: Run``."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            quiet, verbose = kwargs.pop("quiet"), kwargs.pop("verbose")
            config, isolated, color = kwargs.pop("config"), kwargs.pop("isolated"), kwargs.pop("color")
            output_format = kwargs.pop("output_format", "text")
            patterns = kwargs.pop("exclude", ())
            defaults = load_defaults(config=config, isolated=isolated)
            run = Run(
                quiet=quiet,
                verbose=verbose,
                color=_wants_color(color),
                defaults=defaults,
                excludes=Excludes.of((defaults.root, defaults.exclude), (Path.cwd(), patterns)),
                output_format=output_format,
            )
            if defaults.source is not None:
                run.detail(f"settings: {defaults.source}")
            return command(*args, run=run, **kwargs)

        options = [
            click.option("-q", "--quiet", is_flag=True, help="Print only findings, conflicts and errors."),
            click.option("-v", "--verbose", is_flag=True, help="Print more: settings used, decisions, each file."),
            click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
                         help="Read settings from this file (a pyproject.toml, or TOML with the same keys at the top "
                              "level) instead of the nearest pyproject.toml."),
            click.option("--isolated", is_flag=True, help="Ignore every settings file."),
            click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
                         help="Colour the output (auto: on a terminal, unless NO_COLOR is set)."),
        ]
        if output_formats is not None:
            options.append(
                click.option("--output-format", "--format", "output_format", type=click.Choice(list(output_formats)),
                             default="text", show_default=True,
                             help="text: path:line:col: CODE message; json for tools"
                                  + ("; github: GitHub Actions annotations." if "github" in output_formats else "."))
            )
        if exclude:
            options.append(
                click.option("--exclude", multiple=True, metavar="PATTERN",
                             help="Leave out paths matching this gitignore pattern (repeatable); "
                                  "what git ignores is always left out.")
            )
        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper  # type: ignore[return-value]

    return decorate


def read_stdin() -> str:
    """Standard input as text, for the ``-`` argument."""
    return sys.stdin.read()


def _progress_interval() -> float:
    try:
        return float(os.environ.get("CODEGEN_AST_PROGRESS_S", "10"))
    except ValueError:
        return 10.0


class Progress:
    """Progress of a run over ``total`` items: a bar on a terminal, else a plain
    line every CODEGEN_AST_PROGRESS_S seconds naming the item being worked on."""

    def __init__(self, run: Run, label: str, total: int) -> None:
        self.run, self.label, self.total = run, label, total
        self.done = 0
        self.current = ""
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._bar: Any = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Progress:
        if self.run.quiet or self.total < 1:
            return self
        if sys.stderr.isatty() and self.total > 1:
            self._bar = click.progressbar(length=self.total, label=self.label, file=sys.stderr)
            self._bar.__enter__()
        elif not sys.stderr.isatty():
            self._thread = threading.Thread(target=self._heartbeat, daemon=True)
            self._thread.start()
        return self

    def _heartbeat(self) -> None:
        interval = _progress_interval()
        while not self._stop.wait(interval):
            elapsed = time.monotonic() - self.started
            working = f", working on {self.current}" if self.current else ""
            click.echo(f"codegen-ast {self.label}: {self.done} of {self.total} done after {elapsed:.0f} s{working}",
                       err=True)

    @contextmanager
    def item(self, name: str) -> Iterator[None]:
        self.current = name
        try:
            yield
        finally:
            self.done += 1
            self.current = ""
            if self._bar is not None:
                self._bar.update(1)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._bar is not None:
            self._bar.__exit__(None, None, None)

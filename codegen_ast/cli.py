"""The codegen-ast command line: the group, its error handling, its commands.

Commands are imported when they run, not when the group loads: ``--help`` and
``--version`` answer without loading libcst, black, pydantic models or mypy.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import select
import sys
import threading

import click

from codegen_ast._version import __version__
from codegen_ast.errors import CodegenError, as_codegen_error

# name -> (module, attribute, the first sentence of the command's help, which
# `--help` lists; tests/test_cli.py checks each against the command itself)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "explain": ("codegen_ast.commands.explain", "explain_command", "Show what the selector chooses for SPEC_FILE, and why."),
    "mixins": (
        "codegen_ast.commands.mixins",
        "mixins_command",
        "List omnibase-core's mixins by category: what each gives, and how it reaches a node.",
    ),
    "new": (
        "codegen_ast.commands.new",
        "new_command",
        "Write the node package of each SPEC_FILE (or of --name/--type) into OUTPUT.",
    ),
    "patterns": (
        "codegen_ast.commands.patterns",
        "patterns_command",
        "List the production patterns the generator and `upgrade` can apply.",
    ),
    "regenerate": (
        "codegen_ast.commands.regenerate",
        "regenerate_command",
        "Bring each generated package up to date, merging your edits three ways.",
    ),
    "schema": (
        "codegen_ast.commands.schema",
        "schema_command",
        "Print the JSON Schema of a spec file or of the validation report, for editors and tools.",
    ),
    "upgrade": ("codegen_ast.upgrade.command", "upgrade_command", "Add the production patterns existing nodes lack, in place."),
    "validate": (
        "codegen_ast.validate.command",
        "validate_command",
        "Check node packages or Python files: syntax, ONEX structure, imports, security, completeness and types.",
    ),
}


class _Group(click.Group):
    """Load a command when it is used; turn every error into a short message
    and exit code 2 (our own errors carry theirs), never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        if cmd_name == "new":
            _start_validation_early(sys.argv[1:])
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))  # as click.Group does
        # a stand-in command carries the sentence, so click shortens it as its own
        rows = [(name, click.Command(name, help=COMMANDS[name][2]).get_short_help_str(limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:  # an OS error, a too deep input, or a defect: one line, no traceback
            if isinstance(error, BrokenPipeError) and _reader_of_stdout_left():  # `| head`: quietly, as cat does
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing to flush at exit
                sys.exit(2)
            if os.environ.get("CODEGEN_AST_TRACEBACK") and not isinstance(error, CodegenError):
                raise
            shown = as_codegen_error(error)
            click.echo(f"error: {shown}", err=True)
            sys.exit(shown.exit_code)


def _start_validation_early(arguments: list[str]) -> None:
    """``new`` validates what it builds, in worker processes of the target Python that
    import omnibase-core (about a second): start them before importing the command's
    modules (half a second), so both happen at once. Only in the plain case: this
    interpreter is the target and validation is on (no --python, --level none,
    --no-validate, --config, --isolated or help, nor a level or python in
    [tool.codegen-ast]); otherwise ``new`` starts them itself once it knows."""
    for index, argument in enumerate(arguments):
        name, _, value = argument.partition("=")
        if name in {"--python", "--no-validate", "--config", "--isolated", "-h", "--help"}:
            return
        if name == "--level" and (value or (arguments[index + 1] if index + 1 < len(arguments) else "")) == "none":
            return
    try:
        from pathlib import Path

        from codegen_ast.config import load_defaults

        defaults = load_defaults(Path.cwd())
        if defaults.level == "none" or defaults.python:
            return
        from codegen_ast.validate.target_env import prewarm

        prewarm(None, arguments)
    except Exception:  # an early start is an optimisation: `new` reports real problems itself
        return


def _reader_of_stdout_left() -> bool:
    """Whether standard output is a pipe whose reading end is closed."""
    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poll.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows), or no real file (a test runner)
        return False


def _version_message() -> str:
    from codegen_ast.target import FRAMEWORK_VERSION

    return f"%(prog)s %(version)s (targets omnibase-core {FRAMEWORK_VERSION})"


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="codegen-ast", message=_version_message())
def main() -> None:
    """Generate production-grade ONEX nodes as LibCST syntax trees.

    \b
    Examples:
      codegen-ast new examples/orders_effect.yaml -o out/
      codegen-ast explain examples/orders_effect.yaml
      codegen-ast patterns
    """


def run() -> None:
    """The ``codegen-ast`` program (``python -m codegen_ast`` too): :func:`main` in a
    process of its own. Loading the commands' modules makes some 100,000 objects
    that live to the end, so the collector runs less often (a young generation of
    50,000 objects, not 700); and once the command is done, its exit handlers run
    (the validation workers stop, the on-disk tables are saved), output is flushed
    and the process ends without tearing its modules down one by one (~0.15 s).
    Callers of :func:`main` in their own process (tests, tools) keep Python's exit."""
    gc.set_threshold(50_000, 20, 20)
    code: object = 0
    try:
        main()
    except SystemExit as done:
        code = done.code
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # as Python does with a SystemExit that carries a message
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code or 0)

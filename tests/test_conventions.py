"""The conventions of black and ruff, on every command (issue 18, part 2): the
shared options, settings files, exit codes, colour, output formats, progress,
`-` for standard input, walks that honour .gitignore and --exclude."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from codegen_ast.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "orders_effect.yaml"


def invoke(arguments: list[str], **kwargs: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, arguments, **kwargs)  # type: ignore[arg-type]
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated package, for the commands that read one."""
    out = tmp_path_factory.mktemp("generated")
    code, _, err = invoke(["new", str(EXAMPLE), "-o", str(out), "--level", "none", "-q"])
    assert code == 0, err
    return out / "node_orders_effect"


def quick_run(command: str, package: Path, tmp_path: Path) -> tuple[list[str], str | None]:
    """A cheap run of ``command`` that succeeds (exit 0), and its standard input."""
    runs: dict[str, tuple[list[str], str | None]] = {
        "explain": ([str(EXAMPLE)], None),
        "mixins": (["MixinMetrics"], None),
        "new": ([str(EXAMPLE), "-o", str(tmp_path / "out"), "--dry-run", "--level", "none"], None),
        "patterns": ([], None),
        "regenerate": ([str(package), "--check", "--level", "none"], None),
        "schema": (["report"], None),
        "upgrade": (["-"], "VALUE = 1\n"),
        "validate": ([str(package / "node.py"), "--level", "none"], None),
    }
    arguments, stdin = runs[command]
    return [command, *arguments], stdin


def test_every_command_is_covered_here() -> None:
    assert set(COMMANDS) == {"explain", "mixins", "new", "patterns", "regenerate", "schema", "upgrade", "validate"}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_the_shared_options(command: str) -> None:
    code, out, _ = invoke([command, "--help"])
    assert code == 0
    for option in ("-q, --quiet", "-v, --verbose", "--config FILE", "--isolated", "--color [auto|always|never]"):
        assert option in out, f"{command} lacks {option}"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_reads_the_nearest_pyproject_or_config_and_isolated_ignores_it(
    command: str, package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    (project / "deep").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.codegen-ast]\nlevle = "strict"\n')
    monkeypatch.chdir(project / "deep")
    arguments, stdin = quick_run(command, package, tmp_path)

    code, out, err = invoke(arguments, input=stdin)  # the nearest pyproject.toml, two folders up
    assert code == 2, out + err
    assert f"{project / 'pyproject.toml'}" in out + err and "tool.codegen-ast.levle: unknown setting" in out + err

    code, out, err = invoke([*arguments, "--isolated"], input=stdin)
    assert code == 0, out + err

    good = tmp_path / "settings.toml"  # --config: top-level keys, and it replaces the nearest file
    good.write_text('level = "none"\n')
    code, out, err = invoke([*arguments, "--config", str(good)], input=stdin)
    assert code == 0, out + err

    bad = tmp_path / "bad.toml"
    bad.write_text('level = 3\n')
    code, out, err = invoke([*arguments, "--config", str(bad)], input=stdin)
    assert code == 2 and f"{bad}" in out + err and "tool.codegen-ast.level: must be a string" in out + err

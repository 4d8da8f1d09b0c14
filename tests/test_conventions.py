"""The conventions of black and ruff, on every command (issue 18, part 2): the
shared options, settings files, exit codes, colour, output formats, progress,
`-` for standard input, walks that honour .gitignore and --exclude."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
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

    (project / "pyproject.toml").write_text('[tool.codegen-ast]\nlevel = "none"\n')
    code, out, err = invoke([*arguments, "-v"], input=stdin)  # -v names the settings used
    assert code == 0 and f"settings: {project / 'pyproject.toml'}" in err, out + err

    good = tmp_path / "settings.toml"  # --config: top-level keys, and it replaces the nearest file
    good.write_text('level = "none"\n')
    code, out, err = invoke([*arguments, "--config", str(good)], input=stdin)
    assert code == 0, out + err

    bad = tmp_path / "bad.toml"
    bad.write_text('level = 3\n')
    code, out, err = invoke([*arguments, "--config", str(bad)], input=stdin)
    assert code == 2 and f"{bad}" in out + err and "tool.codegen-ast.level: must be a string" in out + err


# --- exit codes: 0 ok, 1 changes due or findings, 2 usage or input error ----------------------------------------

SEC001 = ROOT / "tests" / "validate" / "corpus" / "standard" / "sec001_eval.py"
PAT001 = ROOT / "tests" / "validate" / "corpus" / "standard" / "pat001_no_health_checks"
NODE = ROOT / "tests" / "upgrade" / "corpus" / "audit_plain_effect" / "input.py"


def _edited_spec_package(tmp_path: Path) -> tuple[Path, Path]:
    """A package generated from a spec file that was edited afterwards: a new
    operation and a new output field."""
    spec = tmp_path / "specs" / "orders.yaml"
    spec.parent.mkdir(parents=True)
    shutil.copy(EXAMPLE, spec)
    code, _, err = invoke(["new", str(spec), "-o", str(tmp_path / "out"), "--level", "none", "-q"])
    assert code == 0, err
    text = spec.read_text()
    text = text.replace("operations:\n", "operations:\n  - name: cancel_order\n    description: Cancel an order.\n")
    text += "  - name: cancelled_at\n    type: datetime | None\n"
    spec.write_text(text)
    return spec, tmp_path / "out" / "node_orders_effect"


def exit_runs(command: str, package: Path, tmp_path: Path) -> dict[int, tuple[list[str], str | None]]:
    """For each exit code the command can give: a run that gives it, and its standard input."""
    not_a_package = tmp_path / "plain"
    not_a_package.mkdir()
    bad_spec = tmp_path / "bad.yaml"
    bad_spec.write_text("name: Bad-Name\nnode_type: effect\ndescription: x\n")
    missing = str(tmp_path / "missing.py")
    runs: dict[str, dict[int, Callable[[], tuple[list[str], str | None]]]] = {
        "explain": {2: lambda: ([str(bad_spec)], None)},
        "mixins": {2: lambda: (["MixinNoSuchThing"], None)},
        "new": {1: lambda: ([str(EXAMPLE), "-o", str(tmp_path / "fresh"), "--check", "--level", "none"], None),
                2: lambda: ([str(bad_spec), "-o", str(tmp_path / "fresh")], None)},
        "patterns": {},
        "regenerate": {1: lambda: ([str(_edited_spec_package(tmp_path)[1]), "--check", "--level", "none"], None),
                       2: lambda: ([str(not_a_package)], None)},
        "schema": {2: lambda: (["nothing"], None)},
        "upgrade": {1: lambda: (["-", "--check"], NODE.read_text()), 2: lambda: ([missing], None)},
        "validate": {1: lambda: ([str(SEC001)], None), 2: lambda: ([missing], None)},
    }
    arguments, stdin = quick_run(command, package, tmp_path)
    return {0: (arguments[1:], stdin)} | {code: make() for code, make in runs[command].items()}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_exit_codes_mean_the_same_on_every_command(command: str, package: Path, tmp_path: Path) -> None:
    for expected, (arguments, stdin) in exit_runs(command, package, tmp_path).items():
        code, out, err = invoke([command, *arguments], input=stdin)
        assert code == expected, f"{command} {arguments}: {code}\n{out}\n{err}"
        if expected == 2:
            assert out + err, "an input error says what is wrong"
    code, _, err = invoke([command, "--no-such-option"])  # usage error
    assert code == 2 and "No such option '--no-such-option'" in err


def test_upgrade_check_with_write_is_a_usage_error_and_writes_nothing(tmp_path: Path) -> None:
    node = tmp_path / "node.py"
    shutil.copy(NODE, node)
    before = node.read_bytes()
    code, out, err = invoke(["upgrade", str(node), "--check", "--write"])
    assert code == 2
    assert "--write writes; --check and --diff write nothing" in err
    assert node.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["node.py"]
    code, _, _ = invoke(["upgrade", str(node), "--diff", "--write"])
    assert code == 2 and node.read_bytes() == before


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_an_output_folder_that_cannot_be_made_is_exit_2_naming_it() -> None:
    code, out, err = invoke(["new", str(EXAMPLE), "-o", "/proc/x", "--level", "none"])
    assert code == 2
    assert "/proc/x" in out + err
    assert not Path("/proc/x").exists()


def test_validate_and_regenerate_read_level_from_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.codegen-ast]\nlevel = "strict"\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = invoke(["validate", str(PAT001)])  # a warning fails at strict only
    assert code == 1 and "PAT001" in out and "FAILED (errors and warnings fail" in out
    code, out, _ = invoke(["validate", str(PAT001), "--isolated"])
    assert code == 0 and "PAT001" in out
    settings = tmp_path / "ci.toml"
    settings.write_text('level = "none"\n')
    code, out, _ = invoke(["validate", str(SEC001), "--config", str(settings)])
    assert code == 0 and "level none" in out

    spec, package = _edited_spec_package(tmp_path / "regenerate")  # regenerate validates at the settings' level
    (tmp_path / "pyproject.toml").write_text('[tool.codegen-ast]\nlevel = "basic"\n')
    runs = ((["-q"], "basic"), (["--isolated"], "standard"), (["--config", str(settings)], None))
    for version, (arguments, level) in enumerate(runs):
        spec.write_text(spec.read_text().replace("Order persistence", f"v{version} Order persistence"))
        code, out, err = invoke(["regenerate", str(package), "--format", "json", *arguments])
        assert code == 0, out + err
        [result] = json.loads(out)
        assert result["changed"] and (result["validation"] and result["validation"]["level"]) == level, arguments


# --- output: colour, formats, progress -----------------------------------------------------------------------------

ESCAPE = "\x1b["


def on_a_terminal(arguments: list[str], env: dict[str, str]) -> str:
    """Run codegen-ast with its standard output and error on a pseudo-terminal."""
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    command = [str(Path(sys.executable).parent / "codegen-ast"), *arguments]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert process.wait(timeout=120) in (0, 1)
    return b"".join(chunks).decode()


@pytest.mark.skipif(not hasattr(__import__("os"), "openpty"), reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_unless_no_color_and_color_decides(tmp_path: Path) -> None:
    import os

    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    assert ESCAPE in on_a_terminal(["validate", str(SEC001)], env)
    plain = on_a_terminal(["validate", str(SEC001)], {**env, "NO_COLOR": "1"})
    assert ESCAPE not in plain and "SEC001 eval() runs" in plain
    assert ESCAPE not in on_a_terminal(["validate", str(SEC001), "--color", "never"], env)

    # off a terminal: no colour, unless --color always (which NO_COLOR does not override: it is asked for)
    code, out, _ = invoke(["validate", str(SEC001)], color=True)
    assert code == 1 and ESCAPE not in out
    code, out, _ = invoke(["validate", str(SEC001), "--color", "always"], color=True, env={"NO_COLOR": "1"})
    assert code == 1 and f"{ESCAPE}1m" in out and "SEC001" in out


@pytest.mark.skipif(not hasattr(__import__("os"), "openpty"), reason="needs a pseudo-terminal")
def test_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import os

    second = tmp_path / "stock.yaml"
    second.write_text(EXAMPLE.read_text().replace("name: orders", "name: stock"))
    shown = on_a_terminal(["new", str(EXAMPLE), str(second), "-o", str(tmp_path / "out"), "--dry-run",
                           "--level", "none"], dict(os.environ))
    assert "new  [" in shown and "50%" in shown and "100%" in shown


def test_periodic_plain_progress_lines_off_a_terminal(tmp_path: Path) -> None:
    # CODEGEN_AST_PROGRESS_S is the interval (default 10 s): every millisecond here, since building and
    # validating a package warm in this process can take less than 0.05 s (its answers on disk)
    arguments = ["new", str(EXAMPLE), "-o", str(tmp_path / "out"), "--dry-run"]
    code, _, err = invoke(arguments, env={"CODEGEN_AST_PROGRESS_S": "0.001"})
    assert code == 0, err
    lines = [line for line in err.splitlines() if line.startswith("codegen-ast new: ")]
    working = rf"codegen-ast new: 0 of 1 done after \d+ s, working on {re.escape(str(EXAMPLE))}"
    assert any(re.fullmatch(working, line) for line in lines), err
    code, _, err = invoke([*arguments, "-q"], env={"CODEGEN_AST_PROGRESS_S": "0.001"})
    assert code == 0 and "codegen-ast new: " not in err  # -q: no progress


@pytest.mark.parametrize("command", ["validate", "upgrade", "regenerate"])
def test_output_format_github_is_workflow_commands(command: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("class Broken(:\n")
    if command == "regenerate":  # a conflict: the docstring changed by the user and in the spec
        spec, package = _edited_spec_package(tmp_path)
        node = package / "node.py"
        node.write_text(node.read_text().replace('"""Order persistence for the shop."""', '"""Mine."""'))
        spec.write_text(spec.read_text().replace("Order persistence for the shop.", "Orders, v2."))
    arguments = {"validate": [str(PAT001), str(SEC001)], "upgrade": [str(broken)],
                 "regenerate": [str(tmp_path / "out" / "node_orders_effect"), "--level", "none"]}[command]
    code, out, _ = invoke([command, *arguments, "--output-format", "github"])
    assert code == 1, out
    annotations = out.splitlines()
    assert annotations, out
    for line in annotations:  # nothing else on standard output: each line is a workflow command
        assert re.fullmatch(r"::(error|warning) file=[^,]+,line=\d+,col=\d+,title=[A-Z]{3}\d{3}::.+", line), line
    if command == "validate":
        assert any(line.startswith("::warning file=") and "title=PAT001" in line for line in annotations)
        assert any(line.startswith("::error file=") and "title=SEC001" in line for line in annotations)
    if command == "upgrade":
        assert annotations == [f"::error file={broken},line=1,col=1,title=UPG001::" + annotations[0].split("::", 2)[2]]
        assert "left alone" in annotations[0]
    if command == "regenerate":
        assert any("node.py,line=" in line and "title=MRG001::conflict in" in line for line in annotations)


# --- `-` for standard input -------------------------------------------------------------------------------------


def test_upgrade_dash_reads_standard_input_and_writes_standard_output_as_black_does(tmp_path: Path) -> None:
    from codegen_ast.upgrade import upgrade

    source = NODE.read_text()
    code, out, err = invoke(["upgrade", "-"], input=source)
    assert code == 0, err
    assert out == upgrade(source).source != source and "def _check_self_health(" in out
    code, out, _ = invoke(["upgrade", "-"], input=out)  # a second run changes nothing
    assert code == 0 and out == upgrade(source).source
    code, out, _ = invoke(["upgrade", "-", "--check"], input=source)
    assert (code, out) == (1, "")
    code, out, _ = invoke(["upgrade", "-", "--diff"], input=source)
    assert code == 0 and out.startswith("--- a/-\n+++ b/-\n")
    code, out, _ = invoke(["upgrade", "-"], input="class Broken(:\n")  # left alone: echoed unchanged, exit 1
    assert code == 1 and out.startswith("-:1:1: UPG001 left alone") and out.endswith("class Broken(:\n")
    code, _, err = invoke(["upgrade", "-", str(NODE)])
    assert code == 2 and "- (standard input) goes alone" in err
    assert sorted(tmp_path.iterdir()) == []


def test_new_dash_reads_a_spec_from_standard_input(tmp_path: Path) -> None:
    code, out, err = invoke(["new", "-", "-o", str(tmp_path), "--level", "none"], input=EXAMPLE.read_text())
    assert code == 0, out + err
    assert "wrote" in out and (tmp_path / "node_orders_effect" / "handlers" / "handler_get_order.py").is_file()
    bad = "name: orders\nnode_type: effect\ndescription: x\nbogus: 1\n"
    code, out, err = invoke(["new", "-", "-o", str(tmp_path / "bad"), "--level", "none"], input=bad)
    assert code == 2 and "error: -:4: bogus: unknown field 'bogus'" in out + err  # `-` is the file's name
    assert not (tmp_path / "bad").exists()
    code, _, err = invoke(["new", "-", "-", "-o", str(tmp_path)], input="")
    assert code == 2 and "- (standard input) can be given once" in err


# --- walks: .gitignore, --exclude and the exclude setting ----------------------------------------------------


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A git repository whose src/ holds the same finding in five files:
    one seen, one in .gitignore, one below an ignored folder, one in
    .git/info/exclude and one in legacy/ (for --exclude)."""
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    src = tmp_path / "src"
    for relative in ("seen.py", "ignored.py", "generated_out/deep.py", "local.py", "legacy/old.py"):
        (src / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SEC001, src / relative)
    (src / ".gitignore").write_text("ignored.py\ngenerated_out/\n")
    (tmp_path / ".git" / "info" / "exclude").write_text("src/local.py\n")
    return tmp_path


def _flagged(out: str) -> list[str]:
    return sorted(line.split(":", 1)[0] for line in out.splitlines() if ": SEC001 " in line)


def test_validate_walks_leave_out_what_git_ignores_and_excludes(repository: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repository)
    code, out, _ = invoke(["validate", "src"])
    assert code == 1 and _flagged(out) == ["src/legacy/old.py", "src/seen.py"]
    code, out, _ = invoke(["validate", "src", "--exclude", "legacy/"])
    assert _flagged(out) == ["src/seen.py"]
    (repository / "pyproject.toml").write_text('[tool.codegen-ast]\nexclude = ["src/legacy/"]\n')
    code, out, _ = invoke(["validate", "src"])
    assert _flagged(out) == ["src/seen.py"]
    code, out, _ = invoke(["validate", "src", "--isolated"])
    assert _flagged(out) == ["src/legacy/old.py", "src/seen.py"]


def test_upgrade_walks_leave_out_what_git_ignores_and_excludes(repository: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in (repository / "src").rglob("*.py"):
        shutil.copy(NODE, path)
    before = {path: path.read_bytes() for path in (repository / "src").rglob("*.py")}
    monkeypatch.chdir(repository)
    code, out, _ = invoke(["upgrade", "src", "--check", "--format", "json"])
    assert code == 1 and sorted(item["path"] for item in json.loads(out)) == ["src/legacy/old.py", "src/seen.py"]
    code, out, _ = invoke(["upgrade", "src", "--write", "--exclude", "legacy/", "--format", "json"])
    assert code == 0 and [item["path"] for item in json.loads(out)] == ["src/seen.py"]
    after = {path: path.read_bytes() for path in (repository / "src").rglob("*.py")}
    assert [path.relative_to(repository).as_posix() for path in before if after[path] != before[path]] == ["src/seen.py"]


# --- issue 18 part 1: an edited spec is picked up without flags -------------------------------------------------


def test_regenerate_picks_up_the_edited_spec_without_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, package = _edited_spec_package(tmp_path)
    node = package / "node.py"
    node.write_text(node.read_text().replace('"""Order persistence for the shop."""',
                                             '"""Order persistence for the shop."""\n    # mine: kept'))
    monkeypatch.chdir(package / "handlers")  # any path inside the package
    code, out, err = invoke(["regenerate", "."])
    assert code == 0, out + err
    assert f"the spec changed since the last generation: regenerating from {spec}" in out + err
    assert (package / "handlers" / "handler_cancel_order.py").is_file()
    assert "cancel_order" in (package / "contract.yaml").read_text()
    assert "cancelled_at" in (package / "models" / "model_orders_output.py").read_text()
    assert "# mine: kept" in node.read_text()
    code, out, err = invoke(["regenerate", ".", "--check"])  # and now it is up to date
    assert code == 0, out + err


def test_a_reader_that_leaves_early_ends_the_run_quietly(tmp_path: Path) -> None:
    """`codegen-ast validate ... | head -1`: no "Broken pipe" error, no traceback (as cat and git)."""
    import subprocess
    import sys

    many = tmp_path / "many.py"  # findings enough to overflow a pipe's buffer
    many.write_text("def f(x: str) -> None:\n" + "    eval(x)\n" * 3000)
    process = subprocess.Popen([str(Path(sys.executable).parent / "codegen-ast"), "validate", str(many)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    assert ": SEC001 eval() runs" in process.stdout.readline()
    process.stdout.close()
    assert process.wait(timeout=120) == 2
    assert process.stderr.read() == ""

"""Every ```bash block of the user documentation runs, as a user would type it.

Each block runs line by line (a ``\\`` continues a line, ``# ...`` comments are the
doc's words about the line) with ``bash``, this environment's ``bin`` first on
PATH, in a scratch project holding what the commands name: ``examples/``, a
``spec.yaml`` (the orders example), hand-written nodes in ``src/nodes`` and
``node.py``, a service's virtual environment at ``../service/.venv``, and the
project's warm mypy cache as ``.mypy_cache``. A block that uses ``out/`` before
writing it continues from the docs' first command, ``codegen-ast new
examples/orders_effect.yaml -o out/``, which runs once and is shared. A
language model is the chat stand-in (tests/chat_standin.py), reached through
the ``CODEGEN_AST_LLM_*`` variables docs/llm.md documents.

Each line must exit as the docs say: 0 unless ``EXITS`` names the reason the
docs give for another code. What a line's comment promises is checked too
(``writes PATH``, ``write(s) nothing``, ``show the diff``, a JSON report
redirected to a file). Blocks and lines are matched by their text, so an edited
doc is run as it now reads.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import platformdirs
import pytest

from mypy.dmypy.client import is_running

from codegen_ast.validate import REPORT_SCHEMA, import_server
from tests.chat_standin import ChatStandIn
from tests.conftest import MYPY_CACHE, ROOT, import_server_processes
from tests.test_docs import ALL, Block

GENERATE = "codegen-ast new examples/orders_effect.yaml -o out/"
# a line (matched by this text) -> the exit code the docs give it, and where they say so
EXITS: dict[str, tuple[int, str]] = {
    "codegen-ast upgrade src/nodes --check": (1, "README: exit 1 while an upgrade is due"),
    "--prompt": (2, "docs/llm.md: outside a terminal the spec is shown and `new` exits with code 2"),
    # docs/validation.md: 1 for findings that fail the level; the hand-written nodes here have some
    "codegen-ast validate src/": (1, "findings: src/nodes/orders has no health checks, metrics or contract"),
    "codegen-ast validate node.py": (1, "findings: node.py has no health checks, metrics or contract"),
}
# the values of the docs' `NAME=...` placeholders: the stand-in as the live endpoint
MODEL = "stand-in-model"


@dataclass
class Line:
    command: str
    comment: str


def lines(block: Block) -> list[Line]:
    """The block's commands, continuation lines joined, each with its trailing comment."""
    found: list[Line] = []
    pending = ""
    for raw in block.text.splitlines():
        if pending:
            raw = pending + " " + raw.strip()
            pending = ""
        if raw.rstrip().endswith("\\"):
            pending = raw.rstrip()[:-1].rstrip()
            continue
        command, comment = _split_comment(raw)
        if command:
            found.append(Line(command, comment))
    assert not pending, f"{block.where}: a line ends with a continuation"
    return found


def _split_comment(raw: str) -> tuple[str, str]:
    quote = ""
    for index, char in enumerate(raw):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and (index == 0 or raw[index - 1].isspace()):
            return raw[:index].strip(), raw[index + 1:].strip()
    return raw.strip(), ""


BASH = [block for block in ALL if block.language == "bash" and not block.skipped]
COMMANDS = [line.command for block in BASH for line in lines(block)]


def _block_id(block: Block) -> str:
    return f"{block.doc}::{lines(block)[0].command}"


def _uses_out_first(block: Block) -> bool:
    """The block works on out/ before (or without) writing it with `new`."""
    for line in lines(block):
        if re.search(r"(^|\s)-o out/|(^|\s)out/|(^|\s|&& )cd out\b", line.command):
            command = re.sub(r"^(\w+=\S+\s+)+", "", line.command)  # after the environment it sets
            return not command.startswith("codegen-ast new ") or command == GENERATE
    return False


def _answer(payload: dict[str, Any]) -> str:
    """The stand-in's answer: a handler body when asked for one, else a spec."""
    asked = payload["messages"][-1]["content"]
    if "write the body of" in asked:
        output = re.search(r"\b(Model\w+Output)\b", asked)
        model = output.group(1) if output else "ModelOrdersOutput"
        return (f"```python\nreturn {model}(\n    operation_id=request.operation_id,\n"
                "    correlation_id=request.correlation_id,\n    order_id=request.order_id,\n"
                "    amount=request.amount,\n    accepted=True,\n)\n```")
    return ("```yaml\nname: order_records\nnode_type: effect\ndescription: Records orders in PostgreSQL.\n"
            "dependencies: [postgres]\noperations:\n  - {name: record_order, description: Record an order.}\n"
            "input_fields:\n  - {name: order_id, type: str}\noutput_fields:\n  - {name: order_id, type: str}\n```")


@pytest.fixture(scope="module")
def stand_in() -> Iterator[ChatStandIn]:
    with ChatStandIn(answer=_answer).running() as running:
        yield running


@pytest.fixture(scope="module", autouse=True)
def mypy_daemons_stopped() -> Iterator[None]:
    """The documented commands run as a user's do, so they start mypy's daemon and the
    import check's server: stop those they started."""
    roots = [Path(platformdirs.user_cache_dir("codegen-ast", appauthor=False)), MYPY_CACHE]
    if os.environ.get("MYPY_CACHE_DIR"):
        roots.append(Path(os.environ["MYPY_CACHE_DIR"]))
    def running() -> set[Path]:
        return {path for root in roots for path in root.glob("**/codegen-ast-dmypy/*.json") if is_running(str(path))}

    before = running()
    servers_before = import_server_processes()
    yield
    for status_file in running() - before:
        subprocess.run([sys.executable, "-m", "mypy.dmypy", "--status-file", str(status_file), "stop"],
                       capture_output=True, timeout=60, check=False, stdin=subprocess.DEVNULL)
    # and the import check's servers (an edited spec's check starts one for the next command)
    started = set(import_server_processes()) - set(servers_before)
    for server in import_server.servers(roots[0] / import_server.FOLDER):
        if server.pid() in started:
            server.stop()


@pytest.fixture(scope="module")
def environ(stand_in: ChatStandIn) -> dict[str, str]:
    keep = {name: value for name, value in os.environ.items() if not name.startswith("CODEGEN_AST_")}
    return {**keep, "PATH": f"{Path(sys.prefix) / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "NO_COLOR": "1", "CODEGEN_AST_LLM_BASE_URL": stand_in.base_url, "CODEGEN_AST_LLM_MODEL": MODEL,
            "CODEGEN_AST_LLM_API_KEY": "sk-docs-test", "CODEGEN_AST_LLM_RETRIES": "0"}


def _run(command: str, cwd: Path, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # the docs' placeholders (`NAME=...`) take the values this environment gives NAME
    command = re.sub(r"\b([A-Z_]+)=\.\.\.(?=\s)", lambda found: f"{found.group(1)}={environ[found.group(1)]}", command)
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=environ, capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory,
         environ: dict[str, str]) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The scratch project every block starts from, with out/ as GENERATE wrote it."""
    assert GENERATE in COMMANDS, "the docs no longer generate the example: update GENERATE"
    scratch = tmp_path_factory.mktemp("docs")
    project = scratch / "project"
    shutil.copytree(ROOT / "examples", project / "examples")
    shutil.copy(ROOT / "examples" / "orders_effect.yaml", project / "spec.yaml")
    shutil.copytree(ROOT / "tests" / "upgrade" / "migrate" / "src" / "shop" / "nodes" / "orders",
                    project / "src" / "nodes" / "orders")
    (project / "src" / "nodes" / "__init__.py").write_text("")
    shutil.copy(ROOT / "tests" / "upgrade" / "corpus" / "audit_plain_effect" / "input.py", project / "node.py")
    (scratch / "service").mkdir()
    (scratch / "service" / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    MYPY_CACHE.mkdir(exist_ok=True)
    (project / ".mypy_cache").symlink_to(MYPY_CACHE, target_is_directory=True)
    generated = _run(GENERATE, project, environ)
    assert generated.returncode == 0, generated.stderr
    return project, generated


def _snapshot(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file() and ".mypy_cache" not in path.parts
            and ".codegen-ast" not in path.parts and "__pycache__" not in path.parts}


def _check_promises(line: Line, result: subprocess.CompletedProcess[str], before: dict[str, str],
                    project: Path) -> None:
    where = (line.command, result.stdout[-3000:], result.stderr[-3000:])
    written = re.search(r"\bwrites (\S+/)", line.comment)
    if written:
        assert (project / written.group(1)).is_dir(), where
    if re.search(r"\bwrites? nothing\b", line.comment) or "--check" in line.command.split():
        assert _snapshot(project) == before, where
    if "show the diff" in line.comment:  # under --check, exactly when something would change
        assert ("+++ " in result.stdout) == ("--check" not in line.command.split() or result.returncode == 1), where
    report = re.search(r"--(?:output-)?format json > (\S+)", line.command)
    if report:
        jsonschema.validate(json.loads((project / report.group(1)).read_text()), REPORT_SCHEMA)


def expected_exit(command: str) -> tuple[int, str]:
    return next((code for text, code in EXITS.items() if text in command), (0, "the docs imply success"))


@pytest.mark.parametrize("block", BASH, ids=[_block_id(block) for block in BASH])
def test_bash_block_runs_as_the_docs_say(block: Block, base: tuple[Path, subprocess.CompletedProcess[str]],
                                         environ: dict[str, str], tmp_path: Path) -> None:
    prepared, generated = base
    project = tmp_path / "project"
    shutil.copytree(prepared, project, symlinks=True)
    (tmp_path / "service").symlink_to(prepared.parent / "service", target_is_directory=True)
    if not _uses_out_first(block):
        shutil.rmtree(project / "out")
    for line in lines(block):
        before = _snapshot(project)
        if line.command == GENERATE and before == _snapshot(prepared):
            result = generated  # what the shared generation did, from this very state
        else:
            result = _run(line.command, project, environ)
        code, reason = expected_exit(line.command)
        assert result.returncode == code, (block.where, line.command, reason, result.stdout[-3000:],
                                           result.stderr[-3000:])
        assert "Traceback" not in result.stderr, (line.command, result.stderr[-3000:])
        _check_promises(line, result, before, project)


def test_every_expected_exit_names_a_documented_command() -> None:
    assert all(any(text in command for command in COMMANDS) for text in EXITS), EXITS

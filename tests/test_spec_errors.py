"""The CLI on invalid specs: exit code 2, one message that says where and how to fix,
no traceback, and nothing written. And on a valid spec: written once, then protected."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from codegen_ast.cli import main
from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.readers import read_node_spec


@dataclass(frozen=True)
class BadSpec:
    id: str
    text: str
    line: int | None  # the line the message must point at; None when there is none
    field: str | None  # the field the message must name
    hints: tuple[str, ...]  # phrases of the fix the message must suggest


SPEC_BODY = "node_type: effect\ndescription: A node.\n"

BAD_SPECS = [
    BadSpec(
        "keyword_name",
        "# the name is a Python keyword\nname: class\n" + SPEC_BODY,
        2,
        "name",
        ("'class'", "is a Python keyword", "choose another word"),
    ),
    BadSpec(
        "path_name",
        "# the name would escape the output folder\nname: ../x\n" + SPEC_BODY,
        2,
        "name",
        ("'../x'", "is not snake_case", "use lowercase letters", "no dashes, dots, slashes"),
    ),
    BadSpec(
        "dashed_name",
        "# dashes are not identifiers\nname: my-node\n" + SPEC_BODY,
        2,
        "name",
        ("'my-node'", "is not snake_case", "no dashes"),
    ),
    BadSpec(
        "digit_first_name",
        "# identifiers start with a letter\nname: 9lives\n" + SPEC_BODY,
        2,
        "name",
        ("'9lives'", "is not snake_case", "starting with a letter"),
    ),
    BadSpec(
        "unknown_node_type",
        "name: orders\ndescription: A node.\nnode_type: transformer\n",
        3,
        "node_type",
        ("unknown node_type 'transformer'", "use one of", "effect"),
    ),
    BadSpec(
        "unknown_top_level_field",
        "name: orders\nnode_type: effect\ndescription: A node.\nnmae: orders\n",
        4,
        "nmae",
        ("unknown field 'nmae'", "did you mean 'name'?", "remove it", "known fields:"),
    ),
    BadSpec(
        "yaml_syntax_error",
        "name: orders\nnode_type: effect\ndescription: A node.\n  domain: indented by mistake\n",
        4,
        None,
        ("YAML syntax error", "fix the YAML syntax"),
    ),
    BadSpec("empty_file", "", None, None, ("the file is empty", "write a node spec")),
    BadSpec("blank_file", "\n   \n", None, None, ("the file is empty", "write a node spec")),
    BadSpec(
        "unknown_field_type",
        "name: orders\nnode_type: effect\ndescription: A node.\ninput_fields:\n"
        "  - name: amount\n    type: strng\n",
        6,
        "input_fields.0.type",
        ("unknown type 'strng'", "use one of", "list[T]"),
    ),
    BadSpec(
        "duplicate_operation",
        "name: orders\nnode_type: effect\ndescription: A node.\noperations:\n"
        "  - create\n  - read\n  - create\n",
        4,
        "operations",
        ("operation 'create' is declared twice", "remove one"),
    ),
    BadSpec(  # found while generating, after the spec was read: still the file's line and field
        "colliding_handler_names",
        "name: orders\nnode_type: effect\ndescription: A node.\noperations:\n  - get_a1\n  - get_a_1\n",
        6,
        "operations.1.name",
        ("'get_a_1' and operation 'get_a1' both become the handler class HandlerGetA1", "rename one"),
    ),
]


def run_new(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["new", *(str(arg) for arg in args)])


def assert_nothing_written(output_dir: Path, *, existed: bool) -> None:
    if existed:
        assert list(output_dir.iterdir()) == [], f"files written into {output_dir}"
    else:
        assert not output_dir.exists(), f"{output_dir} was created"


def assert_user_error(result: Result, spec_path: Path, bad: BadSpec) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # exited on purpose, did not crash
    assert "Traceback" not in result.output
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.count("\n") == 0, f"expected one line, got:\n{message}"
    where = f"error: {spec_path}"
    if bad.line is not None:
        where += f":{bad.line}"
    where += f": {bad.field}: " if bad.field else ": "
    assert message.startswith(where), f"{message!r} does not start with {where!r}"
    for hint in bad.hints:
        assert hint in message


@pytest.mark.parametrize("output_exists", [False, True], ids=["new_output", "existing_output"])
@pytest.mark.parametrize("bad", BAD_SPECS, ids=[bad.id for bad in BAD_SPECS])
def test_invalid_spec_is_a_clear_error_and_writes_nothing(
    bad: BadSpec, output_exists: bool, tmp_path: Path
) -> None:
    spec_path = tmp_path / f"{bad.id}.yaml"
    spec_path.write_text(bad.text, encoding="utf-8")
    output_dir = tmp_path / "out"
    if output_exists:
        output_dir.mkdir()

    result = run_new(spec_path, "-o", output_dir)

    assert_user_error(result, spec_path, bad)
    assert_nothing_written(output_dir, existed=output_exists)


def test_missing_spec_file_is_a_clear_error(tmp_path: Path) -> None:
    spec_path = tmp_path / "no_such_spec.yaml"
    result = run_new(spec_path, "-o", tmp_path / "out")
    missing = BadSpec("missing", "", None, None, ("file not found", "check the path"))
    assert_user_error(result, spec_path, missing)
    assert_nothing_written(tmp_path / "out", existed=False)


def test_real_process_prints_no_traceback(tmp_path: Path) -> None:
    """Outside CliRunner: the installed entry point, with the real stderr."""
    bad = next(bad for bad in BAD_SPECS if bad.id == "unknown_top_level_field")
    spec_path = tmp_path / "spec.yaml"
    spec_path.write_text(bad.text, encoding="utf-8")
    output_dir = tmp_path / "out"

    process = subprocess.run(
        [sys.executable, "-m", "codegen_ast", "new", str(spec_path), "-o", str(output_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert process.returncode == 2, process.stderr
    assert process.stdout == ""
    assert "Traceback" not in process.stderr
    assert process.stderr.startswith(f"error: {spec_path}:4: nmae: unknown field 'nmae'")
    assert process.stderr.count("\n") == 1
    for hint in bad.hints:
        assert hint in process.stderr
    assert_nothing_written(output_dir, existed=False)


VALID_SPEC = """\
name: orders
node_type: effect
description: Order persistence for the shop.
operations:
  - name: create_order
    description: Record a new order.
input_fields:
  - name: order_id
    type: str
"""


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(path.relative_to(root)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def contents(root: Path) -> dict[str, bytes]:
    return {path: content for path, (content, _) in snapshot(root).items()}


def test_valid_spec_is_written_then_protected_unless_forced(tmp_path: Path) -> None:
    spec_path = tmp_path / "orders.yaml"
    spec_path.write_text(VALID_SPEC, encoding="utf-8")
    output_dir = tmp_path / "out"
    package_dir = output_dir / "node_orders_effect"
    expected = generate_declarative(read_node_spec(spec_path)).files

    first = run_new(spec_path, "-o", output_dir, "--shape", "declarative")
    assert first.exit_code == 0, first.output
    assert str(package_dir) in first.stdout
    assert _without_manifest(contents(package_dir)) == _without_manifest(expected)
    assert json.loads(contents(package_dir)["codegen-manifest.json"])["spec_file"] == "../../orders.yaml"
    written = snapshot(output_dir)

    again = run_new(spec_path, "-o", output_dir, "--shape", "declarative")
    assert again.exit_code == 2
    assert isinstance(again.exception, SystemExit)
    assert "Traceback" not in again.output
    assert again.stderr.startswith(f"error: {package_dir} already exists")
    assert "codegen-ast regenerate" in again.stderr and "--force" in again.stderr
    assert snapshot(output_dir) == written, "a refused run changed files"
    assert sorted(path.name for path in output_dir.iterdir()) == [".codegen-ast", "node_orders_effect", "onex_support"]
    assert sorted(path.name for path in (output_dir / ".codegen-ast").iterdir()) == [
        ".gitignore", "node_orders_effect.lock", "onex_support.lock"]

    # --force replaces the package, but a user's edit or file only when given twice
    (package_dir / "node.py").write_text("edited\n", encoding="utf-8")
    (package_dir / "stray.txt").write_text("left over\n", encoding="utf-8")
    refused = run_new(spec_path, "-o", output_dir, "--shape", "declarative", "--force")
    assert refused.exit_code == 2 and "node.py (edited)" in refused.stderr and "stray.txt" in refused.stderr
    forced = run_new(spec_path, "-o", output_dir, "--shape", "declarative", "--force", "--force")
    assert forced.exit_code == 0, forced.output
    assert _without_manifest(contents(package_dir)) == _without_manifest(expected)
    assert sorted(path.name for path in output_dir.iterdir()) == [".codegen-ast", "node_orders_effect", "onex_support"]
    assert sorted(path.name for path in (output_dir / ".codegen-ast").iterdir()) == [
        ".gitignore", "node_orders_effect.lock", "onex_support.lock"]


def _without_manifest(files: Mapping[str, str | bytes]) -> dict[str, bytes]:
    return {path: text if isinstance(text, bytes) else text.encode()
            for path, text in files.items() if path != "codegen-manifest.json"}


def test_quiet_prints_nothing_on_success(tmp_path: Path) -> None:
    spec_path = tmp_path / "orders.yaml"
    spec_path.write_text(VALID_SPEC, encoding="utf-8")
    result = run_new(spec_path, "-o", tmp_path / "out", "-q")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert (tmp_path / "out" / "node_orders_effect" / "node.py").is_file()

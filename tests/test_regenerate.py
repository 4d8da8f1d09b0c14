"""regenerate: a three-way merge that keeps every line of the user's, on real packages.

Each test writes a package the way a user does (`codegen-ast new SPEC -o out`),
edits it, maybe edits the spec, runs `codegen-ast regenerate`, and looks at
the files and the exit code.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from codegen_ast.cli import main
from codegen_ast.errors import OutputError
from codegen_ast.generate import generate
from codegen_ast.manifest import MANIFEST, read_manifest
from codegen_ast.regenerate import plan_regeneration
from codegen_ast.spec import NodeSpec

SPEC = {
    "name": "orders",
    "node_type": "effect",
    "description": "Orders.",
    "operations": ["create_order"],
    "input_fields": [{"name": "order_id", "type": "str"}],
    "output_fields": [{"name": "order_id", "type": "str"}],
}
HANDLER = "handlers/handler_create_order.py"


def cli(*arguments: str, cwd: Path | None = None) -> Result:
    previous = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(arguments), catch_exceptions=False)
    finally:
        os.chdir(previous)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "orders.yaml").write_text(yaml.safe_dump(SPEC, sort_keys=False))
    result = cli("new", str(tmp_path / "orders.yaml"), "-o", str(tmp_path / "out"), "--level", "basic", "-q",
                 "--shape", "imperative")  # the merges below are of the imperative node.py
    assert result.exit_code == 0, result.output
    return tmp_path


def package(project: Path) -> Path:
    return project / "out" / "node_orders_effect"


def edit_spec(project: Path, **changes: object) -> None:
    (project / "orders.yaml").write_text(yaml.safe_dump({**SPEC, **changes}, sort_keys=False))


def regenerate(*paths: Path, level: str = "basic", cwd: Path | None = None) -> Result:
    return cli("regenerate", *map(str, paths), "--level", level, cwd=cwd)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_blank_line_above_init_never_stops_a_new_operation(project: Path) -> None:
    """The issue's false conflict: the new operation must be routed, not silently dropped."""
    node = package(project) / "node.py"
    node.write_text(node.read_text().replace("    def __init__(", "\n    def __init__(", 1))
    edit_spec(project, operations=["create_order", "cancel_order"])  # picked up without --spec
    result = regenerate(package(project))
    assert result.exit_code == 0, result.output
    text = node.read_text()
    assert '"cancel_order"' in text and "HandlerCancelOrder" in text
    assert "\n\n\n    def __init__(" in text  # the user's blank line is still there
    assert (package(project) / "handlers" / "handler_cancel_order.py").is_file()
    assert read_manifest(package(project)).spec is not None
    assert read_manifest(package(project)).spec.effective_operations[-1].name == "cancel_order"  # type: ignore[union-attr]


def test_edits_inside_a_method_and_the_generators_change_both_land(project: Path) -> None:
    handler = package(project) / HANDLER
    handler.write_text(handler.read_text().replace(
        "order_id=request.order_id,", "order_id=request.order_id.upper(),  # ids are upper case"
    ) + "\n    def describe(self) -> str:\n        return 'creates orders'\n")
    (package(project) / "NOTES.md").write_text("my notes\n")
    edit_spec(project, description="Orders, v2.", output_fields=[{"name": "order_id", "type": "str"},
                                                                  {"name": "accepted", "type": "bool"}])
    result = regenerate(package(project))
    assert result.exit_code == 0, result.output
    text = handler.read_text()
    assert "order_id=request.order_id.upper(),  # ids are upper case" in text
    assert "def describe(self) -> str:" in text
    assert "accepted=" in text  # the generator's new field reaches the edited handler
    assert (package(project) / "NOTES.md").read_text() == "my notes\n"
    compile(text, str(handler), "exec")


def test_a_true_conflict_is_written_with_markers_listed_and_exits_1(project: Path) -> None:
    node = package(project) / "node.py"
    node.write_text(node.read_text().replace('"""Orders."""', '"""Orders, as I describe them."""', 1))
    edit_spec(project, description="Orders v2.")
    result = regenerate(package(project))
    assert result.exit_code == 1
    line = next(number for number, text in enumerate(node.read_text().splitlines(), 1) if text == "<<<<<<< yours")
    shown = f"out/node_orders_effect/node.py:{line}:1: MRG001 conflict in NodeOrdersEffect"
    assert shown in result.stdout.replace(str(project) + "/", "")
    text = node.read_text()
    assert '"""Orders, as I describe them."""' in text and '"""Orders v2."""' in text
    assert text.count("=======\n") == 1 and ">>>>>>> codegen-ast\n" in text
    again = regenerate(package(project))  # not resolved yet: said again, nothing merged into the markers
    assert again.exit_code == 1 and "MRG002" in again.stdout and node.read_text() == text


def test_with_no_spec_change_every_byte_of_the_users_stays(project: Path) -> None:
    node = package(project) / "node.py"
    text = node.read_text()
    text = "# Copyright 2026 Example Corp. Licensed under MIT.\n# mypy: disable-error-code=misc\n" + text
    text = text.replace('NODE_NAME = "orders"\n', 'NODE_NAME = "orders"\nNODE_NAME = "orders_v2"  # renamed\n')
    text = text.replace("\n\n__all__", "\n# end of imports\n\n__all__", 1)
    text += "# end of file: keep me\n"
    node.write_text(text)
    before = snapshot(package(project))
    result = regenerate(package(project))
    assert result.exit_code == 0, result.output
    assert snapshot(package(project)) == before


def test_files_the_manifest_does_not_know_or_whose_hash_differs_are_kept(project: Path) -> None:
    root = package(project)
    mine = '"""Written by hand before the spec had it."""\n\n\nclass HandlerCancelOrder:\n    pass\n'
    (root / "handlers" / "handler_cancel_order.py").write_text(mine)
    edit_spec(project, operations=["create_order", "cancel_order"])
    result = regenerate(root)
    assert (root / "handlers" / "handler_cancel_order.py").read_text() == mine
    assert "handler_cancel_order.py: yours (the manifest does not know it)" in result.output


def test_a_damaged_manifest_means_every_file_may_be_edited(project: Path) -> None:
    root = package(project)
    handler = root / HANDLER
    handler.write_text(handler.read_text().replace("order_id=request.order_id,", "order_id='fixed',"))
    manifest = json.loads((root / MANIFEST).read_text())
    del manifest["files"]
    (root / MANIFEST).write_text(json.dumps(manifest))
    result = regenerate(root)
    assert "order_id='fixed'," in handler.read_text()
    assert "every file that differs is kept as yours" in result.output
    (root / MANIFEST).unlink()  # gone entirely: the spec comes from contract.yaml
    result = regenerate(root)
    assert result.exit_code in (0, 1) and "order_id='fixed'," in handler.read_text()
    assert "no manifest" in result.output


def test_links_empty_folders_and_the_folders_mode_survive(project: Path) -> None:
    root = package(project)
    (root / "docs").mkdir()
    (root / "NOTES.md").write_text("notes\n")
    (root / "notes-link.md").symlink_to("NOTES.md")
    os.chmod(root, 0o755)
    edit_spec(project, description="Orders, v2.")
    result = regenerate(root)
    assert result.exit_code == 0, result.output
    assert (root / "docs").is_dir() and not any((root / "docs").iterdir())
    assert (root / "notes-link.md").is_symlink() and os.readlink(root / "notes-link.md") == "NOTES.md"
    assert stat.S_IMODE(root.stat().st_mode) == 0o755
    assert '"""Orders, v2."""' in (root / "node.py").read_text()


def test_the_package_is_found_from_any_path_and_never_copied(project: Path) -> None:
    root = package(project)
    renamed = project / "out" / "orders"
    root.rename(renamed)
    edit_spec(project, description="Orders, v2.")
    # (validation would rightly say the contract names node_orders_effect's modules)
    result = regenerate(renamed / "handlers" / "handler_create_order.py", level="none")
    assert result.exit_code == 0, result.output
    assert '"""Orders, v2."""' in (renamed / "node.py").read_text()
    assert sorted(p.name for p in (project / "out").iterdir() if not p.name.startswith(".")) == ["orders"]
    edit_spec(project, description="Orders, v3.")
    assert regenerate(Path("."), level="none", cwd=renamed).exit_code == 0  # `regenerate .` inside the package
    assert '"""Orders, v3."""' in (renamed / "node.py").read_text()
    assert not (renamed / "node_orders_effect").exists()
    again = cli("new", str(project / "orders.yaml"), "-o", str(project / "out"), "--shape", "imperative", "--level", "none")
    assert again.exit_code == 2 and "already holds node_orders_effect (renamed)" in again.output
    inside = cli("new", str(project / "orders.yaml"), "-o", str(renamed / "handlers"), "--shape", "imperative", "--level", "none")
    assert inside.exit_code == 2 and "is inside the generated package" in inside.output


def test_one_new_call_reads_each_folders_manifest_once_and_still_refuses_a_renamed_copy(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codegen_ast.commands import new as new_command

    specs = []
    for index in range(6):
        spec = project / f"orders{index}.yaml"
        spec.write_text(yaml.safe_dump({**SPEC, "name": f"orders{index}"}, sort_keys=False))
        specs.append(str(spec))
    read: list[str] = []
    monkeypatch.setattr(new_command, "read_manifest", lambda folder: read.append(folder.name) or read_manifest(folder))
    out = project / "out"
    first = cli("new", *specs, "-o", str(out), "--level", "none", "-q")
    assert first.exit_code == 0, first.output
    assert sorted(read) == ["node_orders_effect", "onex_support"]  # what was there before, once each
    # a renamed copy of the fourth package is still refused, in a call that writes the others
    (out / "node_orders3_effect").rename(out / "orders3_renamed")
    read.clear()
    again = cli("new", *specs, "-o", str(out), "--level", "none", "--force")
    assert again.exit_code == 2 and "orders3_renamed already holds node_orders3_effect (renamed)" in again.output
    assert len(read) == len(set(read))
    # a folder that held a renamed copy and is replaced in the same call no longer counts as one
    shutil.rmtree(out / "node_orders4_effect")
    (out / "orders3_renamed").rename(out / "node_orders4_effect")  # orders3's package under orders4's name
    replaced = cli("new", specs[4], specs[3], "-o", str(out), "--level", "none", "--force")
    assert replaced.exit_code == 0, replaced.output
    assert read_manifest(out / "node_orders4_effect").spec.package_name == "node_orders4_effect"
    assert read_manifest(out / "node_orders3_effect").spec.package_name == "node_orders3_effect"


def test_new_on_an_existing_package_points_to_regenerate_and_force_protects_edits(project: Path) -> None:
    root = package(project)
    spec = str(project / "orders.yaml")
    out = str(project / "out")
    first = cli("new", spec, "-o", out, "--shape", "imperative", "--level", "none")
    assert first.exit_code == 2 and f"codegen-ast regenerate {root}" in first.output
    (root / "NOTES.md").write_text("notes\n")
    (root / "docs").mkdir()
    handler = root / HANDLER
    handler.write_text(handler.read_text() + "# mine\n")
    refused = cli("new", spec, "-o", out, "--shape", "imperative", "--level", "none", "--force")
    assert refused.exit_code == 2
    for listed in ("NOTES.md (not generated: yours)", "docs/ (an empty folder)", f"{HANDLER} (edited)"):
        assert listed in refused.output
    assert "--force twice" in refused.output and (root / "NOTES.md").is_file()
    assert cli("new", spec, "-o", out, "--shape", "imperative", "--level", "none", "--force", "--force").exit_code == 0
    assert not (root / "NOTES.md").exists() and "# mine" not in handler.read_text()
    handler.write_text(handler.read_text() + "# mine again\n")
    assert cli("new", spec, "-o", out, "--shape", "imperative", "--level", "none", "--force", "--discard-edits").exit_code == 0
    assert "# mine again" not in handler.read_text()


def test_an_older_generation_is_the_base_so_tool_changes_reach_edited_files(project: Path) -> None:
    """The manifest keeps what was generated; a newer generator's change lands in an edited file."""
    root = package(project)
    handler = root / HANDLER
    generated = handler.read_text()
    older = generated.replace('"""The create_order operation', '"""The create_order operation (old wording)', 1)
    assert older != generated
    # what an older codegen-ast wrote: the file, its hash and its recorded text say so
    manifest = json.loads((root / MANIFEST).read_text())
    from codegen_ast.manifest import _pack, _unpack, digest

    texts = _unpack(manifest["generated"]) | {HANDLER: older}
    manifest["generated"], manifest["files"][HANDLER] = _pack(texts), digest(older)
    (root / MANIFEST).write_text(json.dumps(manifest))
    handler.write_text(older.replace("order_id=request.order_id,", "order_id=request.order_id.strip(),"))
    result = regenerate(root)
    assert result.exit_code == 0, result.output
    text = handler.read_text()
    assert "(old wording)" not in text and "order_id=request.order_id.strip()," in text


def test_validation_runs_after_regenerate(project: Path) -> None:
    handler = package(project) / HANDLER
    handler.write_text(handler.read_text().replace(
        "        return ModelOrdersOutput(", "        eval(request.order_id)\n        return ModelOrdersOutput(", 1
    ))
    edit_spec(project, description="Orders, v2.")
    result = regenerate(package(project), level="standard")
    assert result.exit_code == 1
    assert f"{HANDLER}:" in result.stdout and "SEC001" in result.stdout


def test_check_diff_and_dry_run_write_nothing_and_combine(project: Path) -> None:
    root = package(project)
    edit_spec(project, description="Orders, v2.")
    before = snapshot(root)
    check = cli("regenerate", str(root), "--check")
    assert check.exit_code == 1 and check.stdout == ""
    both = cli("regenerate", str(root), "--check", "--diff")
    assert both.exit_code == 1 and '+    """Orders, v2."""' in both.stdout
    diff = cli("regenerate", str(root), "--diff")
    assert diff.exit_code == 0 and diff.stdout == both.stdout
    dry = cli("regenerate", str(root), "--dry-run", "--check")
    assert dry.exit_code == 1 and "would change" in dry.stdout
    assert snapshot(root) == before
    assert regenerate(root).exit_code == 0
    assert cli("regenerate", str(root), "--check").exit_code == 0


def test_the_plan_lists_what_happens_to_each_file(project: Path) -> None:
    root = package(project)
    (root / HANDLER).write_text((root / HANDLER).read_text() + "# mine\n")
    edit_spec(project, operations=["cancel_order"])
    plan = plan_regeneration(root)
    assert plan.by_action("merged") == [] and plan.by_action("kept") == [HANDLER]  # no longer generated, edited
    assert "handlers/handler_cancel_order.py" in plan.by_action("added")
    assert "node.py" in plan.by_action("replaced")


# --- writing a package with `new` (codegen_ast.package): atomic, never through a link ---


def _written(tmp_path: Path) -> Path:
    return generate(NodeSpec.model_validate(SPEC)).write(tmp_path)


def test_a_failure_mid_write_leaves_the_target_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = _written(tmp_path)
    before = {p: p.read_bytes() for p in package.rglob("*") if p.is_file()}
    calls = {"n": 0}
    real_write = Path.write_text

    def failing_write(self: Path, *args: object, **kwargs: object) -> int:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full")
        return real_write(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", failing_write)
    with pytest.raises(OutputError, match="cannot write .*: disk full"):
        generate(NodeSpec.model_validate({**SPEC, "description": "Changed."})).write(tmp_path, force=True)
    monkeypatch.undo()
    assert {p: p.read_bytes() for p in package.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".codegen-ast", "node_orders_effect"]
    assert sorted(p.name for p in (tmp_path / ".codegen-ast").iterdir()) == [".gitignore", "node_orders_effect.lock"]


def test_never_writes_through_a_symlink_out_of_the_output_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "node_orders_effect").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputError, match="symbolic link"):
        generate(NodeSpec.model_validate(SPEC)).write(out, force=True)
    assert list(outside.iterdir()) == []

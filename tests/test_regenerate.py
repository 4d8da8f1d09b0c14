"""regenerate keeps the user's work; writes are atomic."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen_ast.errors import OutputError, SpecError
from codegen_ast.generate import generate
from codegen_ast.manifest import read_manifest
from codegen_ast.package import write_package
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


def _written(tmp_path: Path, **changes: object) -> Path:
    return generate(NodeSpec.model_validate({**SPEC, **changes})).write(tmp_path)


def _regenerate(package: Path, spec: NodeSpec | None = None) -> list[str]:
    plan = plan_regeneration(package, spec)
    write_package(plan.package, package.parent, force=True, keep_user_files=True, dropped=frozenset(plan.removed))
    return plan.conflicts


def test_edits_survive_and_the_spec_change_appears(tmp_path: Path) -> None:
    package = _written(tmp_path)
    handler = package / HANDLER
    edited = handler.read_text().replace(
        "        return ModelOrdersOutput(",
        "        # business rule: order ids are upper case\n        return ModelOrdersOutput(",
    ).replace("order_id=request.order_id,", "order_id=request.order_id.upper(),")
    edited += "\n    def describe(self) -> str:\n        return 'creates orders'\n"
    handler.write_text(edited)
    (package / "NOTES.md").write_text("my notes\n")

    new_spec = NodeSpec.model_validate({**SPEC, "operations": ["create_order", "cancel_order"]})
    conflicts = _regenerate(package, new_spec)

    text = handler.read_text()
    assert "# business rule: order ids are upper case" in text
    assert "order_id=request.order_id.upper()" in text
    assert "def describe(self) -> str:" in text
    assert conflicts == []
    assert (package / "handlers" / "handler_cancel_order.py").is_file()  # the spec change
    assert '"cancel_order"' in (package / "node.py").read_text()
    assert (package / "NOTES.md").read_text() == "my notes\n"
    assert read_manifest(package).spec == new_spec
    compile(text, str(handler), "exec")


def test_untouched_files_are_replaced_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    package = _written(tmp_path)
    before = {p: p.read_bytes() for p in package.rglob("*") if p.is_file()}
    assert _regenerate(package) == []
    assert {p: p.read_bytes() for p in package.rglob("*") if p.is_file()} == before


def test_a_conflicting_edit_is_reported_and_the_user_version_kept(tmp_path: Path) -> None:
    package = _written(tmp_path)
    node = package / "node.py"
    node.write_text(node.read_text().replace('"""Orders."""', '"""Orders, as I describe them."""', 1))
    # the generator changes the same docstring
    conflicts = _regenerate(package, NodeSpec.model_validate({**SPEC, "description": "Orders v2."}))
    assert any("NodeOrdersEffect" in c and "changed by you and by the generator" in c for c in conflicts)
    assert '"""Orders, as I describe them."""' in node.read_text()


def test_regenerate_needs_a_manifest(tmp_path: Path) -> None:
    (tmp_path / "node_x_effect").mkdir()
    with pytest.raises(SpecError, match="no manifest"):
        plan_regeneration(tmp_path / "node_x_effect")


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

"""onex_support is written once per output folder: new when absent, left alone when
current, updated when older, refused (no file written) when newer or edited."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codegen_ast.declarative.support_folder import plan_support, write_support
from codegen_ast.errors import OutputError
from codegen_ast.locking import LOCK_FOLDER
from codegen_ast.support import SUPPORT_MANIFEST, support_files

BIN = Path(sys.executable).parent
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def age(folder: Path, version: str, api: int | None = None) -> dict[str, object]:
    """The folder's manifest rewritten as if an older (or newer) tool had written it."""
    manifest = folder / SUPPORT_MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["support_version"] = version
    if api is not None:
        data["support_api"] = api
    retired = folder / "onex_support" / "retired.py"  # a module the current version no longer has
    retired.write_text("", encoding="utf-8")
    data["files"]["onex_support/retired.py"] = hashlib.sha256(b"").hexdigest()
    manifest.write_text(json.dumps(data), encoding="utf-8")
    return data


def test_written_when_absent_then_left_alone(tmp_path: Path) -> None:
    assert write_support(tmp_path).action == "new"
    assert set(support_files()) <= {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    before = (tmp_path / "onex_support" / "resources.py").stat().st_mtime_ns
    assert write_support(tmp_path).action == "current"
    assert (tmp_path / "onex_support" / "resources.py").stat().st_mtime_ns == before


def test_an_older_copy_is_updated_and_its_retired_modules_removed(tmp_path: Path) -> None:
    write_support(tmp_path)
    age(tmp_path, "0.0.1")
    plan = write_support(tmp_path)
    assert plan.action == "updated" and plan.removed == ["onex_support/retired.py"]
    assert not (tmp_path / "onex_support" / "retired.py").exists()
    assert plan_support(tmp_path).action == "current"


def test_a_newer_copy_is_refused(tmp_path: Path) -> None:
    write_support(tmp_path)
    age(tmp_path, "99.0.0", api=99)
    with pytest.raises(OutputError, match="newer than this codegen-ast"):
        plan_support(tmp_path)


def test_an_edited_copy_is_not_overwritten(tmp_path: Path) -> None:
    write_support(tmp_path)
    age(tmp_path, "0.0.1")
    edited = tmp_path / "onex_support" / "crud.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    with pytest.raises(OutputError, match="crud.py: edited since codegen-ast wrote it"):
        write_support(tmp_path)
    assert edited.read_text(encoding="utf-8").endswith("# mine\n")


def test_an_update_interrupted_midway_is_finished_not_taken_for_an_edit(tmp_path: Path) -> None:
    write_support(tmp_path)
    data = age(tmp_path, "0.0.1")
    # the older version's crud.py differed; the interrupted update had already replaced it
    data["files"]["onex_support/crud.py"] = hashlib.sha256(b"# the older crud.py\n").hexdigest()
    (tmp_path / SUPPORT_MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    assert write_support(tmp_path).action == "updated"
    assert plan_support(tmp_path).action == "current"


def test_a_symlinked_folder_is_refused_unless_followed_and_a_write_error_names_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, link = tmp_path / "real", tmp_path / "link"
    real.mkdir()
    link.symlink_to(real, target_is_directory=True)
    with pytest.raises(OutputError, match="is a symbolic link: pass --follow-symlinks"):
        write_support(link)
    assert list(real.iterdir()) == []
    assert write_support(link, follow_symlinks=True).action == "new"
    full = tmp_path / "full"

    def no_space(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "write_text", no_space)
    with pytest.raises(OutputError, match=r"cannot write .*full/.*No space left on device; the disk is full"):
        write_support(full)
    monkeypatch.undo()
    assert plan_support(full).action == "new"  # nothing half-written: the next run starts again
    assert [path.name for path in full.iterdir() if path.name != LOCK_FOLDER] == []


def test_a_folder_codegen_ast_did_not_write_is_refused(tmp_path: Path) -> None:
    (tmp_path / "onex_support").mkdir()
    with pytest.raises(OutputError, match="did not write"):
        plan_support(tmp_path)


def test_new_shape_declarative_writes_the_support_package_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [str(BIN / "codegen-ast"), "new", "--shape", "declarative", "--level", "none", "-o", str(out)]
    first = subprocess.run([*command, str(EXAMPLES / "orders_effect.yaml")], capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    written = (out / SUPPORT_MANIFEST).stat().st_mtime_ns
    second = subprocess.run([*command, str(EXAMPLES / "price_quote_compute.yaml")], capture_output=True, text=True,
                            check=False)
    assert second.returncode == 0, second.stderr
    assert (out / SUPPORT_MANIFEST).stat().st_mtime_ns == written
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "node_orders_effect", "node_price_quote_compute", "onex_support"
    ]
    # a reducer with no state_machine (it folds its previous answer) joins them; onex_support stays as written
    reducer = subprocess.run([*command, str(EXAMPLES / "sales_totals_reducer.yaml")], capture_output=True, text=True,
                             check=False)
    assert reducer.returncode == 0, reducer.stderr
    assert (out / "node_sales_totals_reducer" / "handlers" / "handler_record_sale.py").is_file()
    assert (out / SUPPORT_MANIFEST).stat().st_mtime_ns == written

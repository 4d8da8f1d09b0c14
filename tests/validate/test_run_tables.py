"""Inside one validation run the validator lists each folder once; outside a run it asks the disk every time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codegen_ast.validate import modules


def _tree(root: Path) -> Path:
    package = root / "acme" / "orders"
    package.mkdir(parents=True)
    for folder in (root / "acme", package):
        (folder / "__init__.py").write_text("", encoding="utf-8")
    (package / "models.py").write_text("class Order: ...\n", encoding="utf-8")
    (root / "acme" / "space").mkdir()
    return package / "models.py"


def test_the_same_answers_inside_and_outside_a_run(tmp_path: Path) -> None:
    models = _tree(tmp_path)
    questions = [("acme", "orders"), ("acme", "space"), ("acme", "missing"), ("orders", "models")]
    folders = {"acme": tmp_path / "acme", "orders": tmp_path / "acme" / "orders"}

    def answers() -> list[object]:
        return [modules.package_parts(models), modules.local_roots(models),
                *(modules._entry(folders[folder], part) for folder, part in questions)]

    outside = answers()
    with modules.one_run():
        inside = answers()
    assert inside == outside
    assert outside[0] == (tmp_path, ["acme", "orders"])
    assert outside[2:] == [("package", tmp_path / "acme" / "orders"), ("namespace", tmp_path / "acme" / "space"),
                           None, ("module", models)]


def test_a_run_lists_each_folder_once_and_a_new_run_sees_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = _tree(tmp_path)
    listed: list[str] = []
    scandir = os.scandir

    def counting(path: Path) -> object:
        listed.append(str(path))
        return scandir(path)

    monkeypatch.setattr(modules.os, "scandir", counting)
    package = models.parent
    with modules.one_run():
        for _ in range(3):
            assert modules._entry(package, "models") == ("module", models)
            assert modules._entry(package, "later") is None
        (package / "later.py").write_text("", encoding="utf-8")
        assert modules._entry(package, "later") is None  # the run's picture of the disk
        assert len(listed) == len(set(listed))
    assert modules._entry(package, "later") == ("module", package / "later.py")
    with modules.one_run():
        assert modules._entry(package, "later") == ("module", package / "later.py")

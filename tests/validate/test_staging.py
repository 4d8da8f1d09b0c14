"""How a package built in memory is staged for validation: its own files written to a
private folder, what it needs beside it (onex_support) written once per process and
linked in; without links, written in full."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.generate import GeneratedPackage
from codegen_ast.readers import read_node_spec
from codegen_ast.validate import pipeline, validate_generated

ROOT = Path(__file__).resolve().parents[2]


def _package(case: str) -> GeneratedPackage:
    return generate_declarative(read_node_spec(ROOT / "tests" / "cases" / case / "spec.yaml"))


def _written(root: Path) -> dict[str, str]:
    """Every file below ``root``, through links, relative path -> text."""
    return {(Path(folder) / name).relative_to(root).as_posix(): (Path(folder) / name).read_text(encoding="utf-8")
            for folder, _, names in os.walk(root, followlinks=True) for name in names}


def test_every_file_is_staged_and_beside_is_shared_between_packages() -> None:
    first, second = _package("effect_minimal"), _package("compute_api")
    assert first.beside == second.beside and first.beside
    with pipeline.staged(first, "test-") as one, pipeline.staged(second, "test-") as two:
        for package, root in ((first, one), (second, two)):
            assert _written(root.parent) == pipeline.staged_files(package)
        links = [root.parent / "onex_support" for root in (one, two)]
        assert all(link.is_symlink() for link in links)
        assert os.path.realpath(links[0]) == os.path.realpath(links[1])  # written once
        shared = Path(os.path.realpath(links[0]))
    assert not one.parent.exists() and not two.parent.exists()
    assert shared.is_dir()  # kept for the next package of this process
    pipeline._remove_shared_beside()
    assert not shared.exists()
    with pipeline.staged(first, "test-") as again:  # written anew once removed
        assert _written(again.parent) == pipeline.staged_files(first)


def test_where_links_cannot_be_made_everything_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, target: Path, target_is_directory: bool = False) -> None:
        raise OSError("links are not allowed here")

    monkeypatch.setattr(Path, "symlink_to", refuse)
    package = _package("effect_minimal")
    with pipeline.staged(package, "test-") as root:
        assert not (root.parent / "onex_support").is_symlink()
        assert _written(root.parent) == pipeline.staged_files(package)
    assert validate_generated(package, level="basic").passed


def test_a_linked_package_validates_and_imports_as_a_written_one(monkeypatch: pytest.MonkeyPatch) -> None:
    package = _package("effect_minimal")
    linked = validate_generated(package, level="standard")
    monkeypatch.setattr(pipeline, "_link_beside", lambda beside, staging: False)
    written = validate_generated(package, level="standard")
    assert linked.passed and written.passed
    assert linked.findings == written.findings

"""Stage 3 keeps what it read about a module for the process, reads a module
again once the file changed, and does not read the same content again under
another path (the onex_support folder staged beside every generated package)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from codegen_ast.validate import modules, validate


def _missing_names(root: Path) -> list[str]:
    report = validate([root], level="standard", display_root=root)
    return [finding.message for finding in report.findings if finding.rule == "IMP002"]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The module files stage 3 reads (parses for the names they define)."""
    read: list[Path] = []
    real = modules._names_of

    def counting(data: bytes, path: Path) -> modules.DefinedNames | None:
        read.append(path)
        return real(data, path)

    monkeypatch.setattr(modules, "_names_of", counting)
    return read


def _package(folder: Path) -> Path:
    package = folder / "node_tally_compute"
    package.mkdir(parents=True)
    # the folder's name in a comment: content no other test of this process has
    (package / "helpers.py").write_text(f'"""Helpers."""\n\n# {folder}\nLIMIT = 3\n', encoding="utf-8")
    (package / "__init__.py").write_text(
        '"""Tally."""\n\nfrom .helpers import LIMIT, WIDTH\n\n__all__ = ["LIMIT", "WIDTH"]\n', encoding="utf-8"
    )
    return package


def test_a_module_is_read_once_until_it_changes(tmp_path: Path, reads: list[Path]) -> None:
    helpers = _package(tmp_path) / "helpers.py"

    assert any("WIDTH" in message for message in _missing_names(tmp_path))
    assert any("WIDTH" in message for message in _missing_names(tmp_path))
    assert reads.count(helpers) == 1  # the second validation used what the first read

    status = helpers.stat()
    helpers.write_text(helpers.read_text(encoding="utf-8") + "WIDTH = 80\n", encoding="utf-8")
    os.utime(helpers, ns=(status.st_atime_ns, status.st_mtime_ns + 1))
    assert _missing_names(tmp_path) == []  # the edit is seen
    assert reads.count(helpers) == 2


def test_the_same_content_elsewhere_is_not_read_again(tmp_path: Path, reads: list[Path]) -> None:
    _package(tmp_path / "first")
    assert any("WIDTH" in message for message in _missing_names(tmp_path / "first"))
    shutil.copytree(tmp_path / "first", tmp_path / "second")  # a new staging folder, same files
    assert any("WIDTH" in message for message in _missing_names(tmp_path / "second"))
    assert [path.parent.parent.name for path in reads if path.name == "helpers.py"] == ["first"]


def test_a_fresh_process_reads_installed_modules_names_from_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    from codegen_ast.validate import parsed

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    origin = importlib.util.find_spec("omnibase_core.enums")
    assert origin is not None and origin.origin is not None
    installed = Path(origin.origin)  # omnibase_core/enums/__init__.py, in site-packages

    monkeypatch.setattr(modules, "_STORED_NAMES", parsed.DiskTable("module-names", lambda: "test"))
    parsed.forget()
    first = modules._read_names(installed)
    assert first is not None and "EnumNodeKind" in first.names
    modules._STORED_NAMES.save()
    assert modules._STORED_NAMES.path().is_file()

    # another process: nothing in memory, the same table on disk, and no parsing allowed
    monkeypatch.setattr(modules, "_STORED_NAMES", parsed.DiskTable("module-names", lambda: "test"))
    parsed.forget()

    def no_parsing(path: Path) -> None:
        raise AssertionError(f"{path} was parsed again")

    monkeypatch.setattr(parsed, "module_tree", no_parsing)
    assert modules._read_names(installed) == first
    parsed.forget()

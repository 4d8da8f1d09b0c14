"""upgrade reads a file as Python does and writes it back the same way: its
encoding (a BOM, a PEP 263 coding line), its line endings, and through a
symbolic link to the link's target."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from codegen_ast.cli import main
from codegen_ast.upgrade.engine import upgrade
from tests.upgrade.golden_corpus import cases

CASE = next(case for case in cases() if case.name == "audit_plain_effect")
BOM = b"\xef\xbb\xbf"


def _write(folder: Path, data: bytes) -> Path:
    path = folder / "node.py"
    path.write_bytes(data)
    return path


def _upgrade(path: Path) -> None:
    result = CliRunner().invoke(main, ["upgrade", str(path), "--write"])
    assert result.exit_code == 0, result.output
    assert "upgraded" in result.output


def test_a_utf8_file_with_a_byte_order_mark_keeps_it(tmp_path: Path) -> None:
    path = _write(tmp_path, BOM + CASE.input.read_bytes())
    _upgrade(path)
    assert path.read_bytes() == BOM + CASE.expected.read_bytes()


def test_a_latin1_file_with_a_coding_line_stays_latin1(tmp_path: Path) -> None:
    header = "# -*- coding: latin-1 -*-\n# Café inventory, written by hand.\n"
    text = header + CASE.input.read_text(encoding="utf-8")
    path = _write(tmp_path, text.encode("latin-1"))
    _upgrade(path)
    written = path.read_bytes()
    assert b"Caf\xe9 inventory" in written  # é as one latin-1 byte, not UTF-8's two
    assert written.decode("latin-1") == upgrade(text).source
    assert "_emit_log" in written.decode("latin-1")


def test_windows_line_endings_are_kept_on_every_line(tmp_path: Path) -> None:
    path = _write(tmp_path, CASE.input.read_bytes().replace(b"\n", b"\r\n"))
    _upgrade(path)
    written = path.read_bytes()
    assert written.replace(b"\r\n", b"\n") == CASE.expected.read_bytes()
    assert written.count(b"\n") == written.count(b"\r\n")  # no bare \n was added


def test_a_symlinked_file_is_upgraded_at_its_target_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "shared"
    real.mkdir()
    target = _write(real, CASE.input.read_bytes())
    package = tmp_path / "node_audit"
    package.mkdir()
    link = package / "node.py"
    link.symlink_to(Path("..") / "shared" / "node.py")
    _upgrade(link)
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_bytes() == CASE.expected.read_bytes()
    assert [p.name for p in real.iterdir()] == ["node.py"]  # no temporary file left beside it

"""Stage 3 keeps what it read about a module for the process, and reads a module
again once the file changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codegen_ast.validate import modules, validate


def _missing_names(root: Path) -> list[str]:
    report = validate([root], level="standard", display_root=root)
    return [finding.message for finding in report.findings if finding.rule == "IMP002"]


def test_a_module_is_read_once_until_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "node_tally_compute"
    package.mkdir()
    (package / "helpers.py").write_text('"""Helpers."""\n\nLIMIT = 3\n', encoding="utf-8")
    (package / "__init__.py").write_text('"""Tally."""\n\nfrom .helpers import LIMIT, WIDTH\n\n__all__ = ["LIMIT", "WIDTH"]\n', encoding="utf-8")
    parsed: list[Path] = []
    real_parse = modules._parse_names

    def counting(path: Path) -> modules.DefinedNames | None:
        parsed.append(path)
        return real_parse(path)

    monkeypatch.setattr(modules, "_parse_names", counting)
    helpers = package / "helpers.py"

    assert any("WIDTH" in message for message in _missing_names(tmp_path))
    assert any("WIDTH" in message for message in _missing_names(tmp_path))
    assert parsed.count(helpers) == 1  # the second validation used what the first read

    status = helpers.stat()
    helpers.write_text('"""Helpers."""\n\nLIMIT = 3\nWIDTH = 80\n', encoding="utf-8")
    os.utime(helpers, ns=(status.st_atime_ns, status.st_mtime_ns + 1))
    assert _missing_names(tmp_path) == []  # the edit is seen
    assert parsed.count(helpers) == 2

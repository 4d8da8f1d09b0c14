"""The type stage must report an error every time, whatever mypy's cache holds.

mypy replays the errors of a module its cache finds unchanged under the path
the module had when it was first checked. A package validated in one folder
and then, unchanged, in another (``new`` checks in a temporary folder, then
``validate`` checks the written package) used to pass the second time: its
errors came back under the old path and were dropped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from codegen_ast.validate import validate

BROKEN = '''"""A package with one type error."""


def count_items(items: list[str]) -> int:
    return str(len(items))
'''


def _typ001(report_root: Path, cache: Path) -> list[tuple[str, int]]:
    report = validate([report_root], level="strict", mypy_cache=cache, display_root=report_root)
    return [(finding.file, finding.line) for finding in report.findings if finding.rule == "TYP001"]


def test_a_type_error_is_reported_again_from_another_folder_with_the_same_cache(tmp_path: Path) -> None:
    cache = tmp_path / "mypy_cache"
    first = tmp_path / "first" / "node_tally_compute"
    first.mkdir(parents=True)
    (first / "__init__.py").write_text(BROKEN, encoding="utf-8")
    assert _typ001(first.parent, cache) == [("node_tally_compute/__init__.py", 5)]

    second = tmp_path / "second" / "node_tally_compute"
    shutil.copytree(first, second)  # same content, same size, same mtime: mypy calls it fresh
    assert _typ001(second.parent, cache) == [("node_tally_compute/__init__.py", 5)]
    shutil.rmtree(first.parent)  # the first folder is gone, as a temporary one would be
    assert _typ001(second.parent, cache) == [("node_tally_compute/__init__.py", 5)]

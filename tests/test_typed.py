"""codegen_ast ships py.typed: its own code passes mypy --strict."""

from __future__ import annotations

from mypy import api as mypy_api

from tests.conftest import MYPY_CACHE, ROOT


def test_codegen_ast_passes_mypy_strict() -> None:
    stdout, stderr, status = mypy_api.run(["--strict", "--cache-dir", str(MYPY_CACHE), str(ROOT / "codegen_ast")])
    assert status == 0, stdout + stderr

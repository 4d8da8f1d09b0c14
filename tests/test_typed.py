"""codegen_ast ships py.typed: its own code passes mypy --strict, and so does the
onex_support package it writes out (checked under its real name, as users get it)."""

from __future__ import annotations

import pytest
from mypy import api as mypy_api

from tests.conftest import MYPY_CACHE, ROOT

SUPPORT_ROOT = ROOT / "codegen_ast" / "support"


def test_codegen_ast_passes_mypy_strict() -> None:
    stdout, stderr, status = mypy_api.run(
        [
            "--strict",
            "--cache-dir",
            str(MYPY_CACHE),
            # checked below by its own name: it imports itself as onex_support
            "--exclude",
            "codegen_ast/support/onex_support/",
            str(ROOT / "codegen_ast"),
        ]
    )
    assert status == 0, stdout + stderr


def test_onex_support_passes_mypy_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MYPYPATH", str(SUPPORT_ROOT))
    stdout, stderr, status = mypy_api.run(["--strict", "--cache-dir", str(MYPY_CACHE), "-p", "onex_support"])
    assert status == 0, stdout + stderr
    modules = len(list((SUPPORT_ROOT / "onex_support").rglob("*.py")))
    assert f"no issues found in {modules} source files" in stdout  # every module was checked

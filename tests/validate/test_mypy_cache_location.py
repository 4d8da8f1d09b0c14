"""Stage 6's mypy cache: MYPY_CACHE_DIR when set, else a per-user cache folder, never the current folder."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from codegen_ast.validate.typecheck import default_cache_dir


def test_mypy_cache_dir_is_followed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MYPY_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"


def test_without_it_the_user_cache_folder_not_the_current_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("MYPY_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    chosen = default_cache_dir()
    assert chosen == Path(platformdirs.user_cache_dir("codegen-ast", appauthor=False)) / "mypy"
    assert chosen.is_relative_to(tmp_path / "xdg")

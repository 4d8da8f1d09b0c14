"""Stage 6's mypy cache: MYPY_CACHE_DIR when set, else a per-user cache folder keyed by
the environment, never the current folder.

The end-to-end tests run ``codegen-ast validate --level strict`` as a user would, in a
fresh process whose current folder is an empty temporary one, on a package that needs
nothing but the standard library (so a cold mypy cache costs seconds, not the
framework's half minute).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from codegen_ast.validate.target_env import TargetPython
from codegen_ast.validate.typecheck import default_cache_dir, environment_key

BROKEN = '''"""A package with one type error."""


def count_items(items: list[str]) -> int:
    return str(len(items))
'''


def _strict(workdir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``codegen-ast validate node_tally_compute --level strict`` run inside ``workdir``."""
    package = workdir / "node_tally_compute"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(BROKEN, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "codegen_ast", "validate", "node_tally_compute", "--level", "strict"],
        cwd=workdir, env={**env, "CODEGEN_AST_MYPY_DAEMON": "0"},
        capture_output=True, text=True, timeout=300, check=False,
    )


def _base_env() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name not in {"MYPY_CACHE_DIR", "XDG_CACHE_HOME"}}


def _checked_modules(cache: Path) -> set[str]:
    """Top-level names of the modules with an entry in mypy's cache folder ``cache``
    (its SQLite shards, ``<version>/cache.N.db``, or plain ``*.meta.json`` files)."""
    paths = [meta.relative_to(cache).as_posix().split("/", 1)[1] for meta in cache.glob("*/**/*.meta.json")]
    for shard in cache.glob("*/cache*.db"):
        with contextlib.closing(sqlite3.connect(shard)) as db:
            tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                paths += [path for (path,) in db.execute(f"SELECT path FROM {table}")]  # noqa: S608 (mypy's own names)
    return {path.split("/")[0].split(".")[0] for path in paths}


def _mypy_caches(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.name == ".mypy_cache" or path.name == "CACHEDIR.TAG"]


def test_mypy_cache_dir_is_honoured_and_the_current_folder_stays_clean(tmp_path: Path) -> None:
    chosen = tmp_path / "chosen"
    workdir = tmp_path / "work"
    result = _strict(workdir, {**_base_env(), "MYPY_CACHE_DIR": str(chosen), "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "TYP001" in result.stdout and "__init__.py:5" in result.stdout
    assert "node_tally_compute" in _checked_modules(chosen), sorted(chosen.rglob("*"))[:20]
    assert _mypy_caches(workdir) == []
    assert not (tmp_path / "xdg").exists()


def test_without_it_a_per_user_cache_keyed_by_the_environment(tmp_path: Path) -> None:
    workdir = tmp_path / "work"
    xdg = tmp_path / "xdg"
    result = _strict(workdir, {**_base_env(), "XDG_CACHE_HOME": str(xdg)})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "TYP001" in result.stdout
    expected = xdg / "codegen-ast" / "mypy" / environment_key(sys.executable)
    assert "node_tally_compute" in _checked_modules(expected), sorted(xdg.rglob("*"))[:20]
    assert [path.name for path in (xdg / "codegen-ast" / "mypy").iterdir()] == [expected.name]
    assert _mypy_caches(workdir) == []


def test_the_default_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MYPY_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    chosen = default_cache_dir(TargetPython())
    user_cache = Path(platformdirs.user_cache_dir("codegen-ast", appauthor=False))
    assert chosen == user_cache / "mypy" / environment_key(sys.executable)
    assert chosen.is_relative_to(tmp_path / "xdg")
    monkeypatch.setenv("MYPY_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir(TargetPython()) == tmp_path / "mine"


def test_two_environments_never_share_a_cache() -> None:
    here = environment_key(sys.executable)
    assert len(here) == 16
    assert environment_key("/opt/other/.venv/bin/python") != here
    assert environment_key(sys.executable) == here  # stable for one environment

"""onex_support as codegen-ast ships it: the files support_files() hands the
generator are the package's source, byte for byte; written to a folder they import
and run; the manifest describes them; the wheel carries py.typed; no module name
shadows a library it (or a user) imports."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError

import onex_support
from codegen_ast.support import SUPPORT_API, SUPPORT_MANIFEST, support_files, support_manifest
from onex_support import require_api
from tests.support.helpers import SUPPORT_ROOT

ROOT = SUPPORT_ROOT.parents[1]


def test_support_files_are_the_source_byte_for_byte() -> None:
    files = support_files()
    on_disk = {
        path.relative_to(SUPPORT_ROOT).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted((SUPPORT_ROOT / "onex_support").rglob("*"))
        if path.is_file() and path.suffix in (".py", ".typed")
    }
    assert files == on_disk
    assert "onex_support/py.typed" in files and "onex_support/handlers/event.py" in files
    assert not any("__pycache__" in path for path in files)


def test_written_out_the_package_imports_and_runs_by_its_own_name(tmp_path: Path) -> None:
    for path, text in support_files().items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    modules = sorted(
        ".".join(Path(path).with_suffix("").parts).removesuffix(".__init__")
        for path in support_files()
        if path.endswith(".py")
    )
    script = (
        "import contextlib, importlib, io\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "from onex_support.run import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit): main(['--help'])\n"
        "print('imported', 'contract.yaml' in out.getvalue())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "imported True", done.stderr


def test_the_manifest_hashes_every_file_and_names_the_api() -> None:
    manifest = json.loads(support_manifest("9.9.9"))
    assert SUPPORT_MANIFEST == "onex_support/codegen-manifest.json"
    assert manifest["tool_version"] == "9.9.9" and manifest["support_api"] == SUPPORT_API == onex_support.SUPPORT_API
    assert manifest["support_version"] == onex_support.__version__
    assert manifest["files"] == {
        path: hashlib.sha256(text.encode()).hexdigest() for path, text in support_files().items()
    }


def test_a_package_generated_for_another_api_refuses_to_load() -> None:
    require_api(SUPPORT_API)
    with pytest.raises(ModelOnexError) as raised:
        require_api(SUPPORT_API + 1)
    assert raised.value.error_code == EnumCoreErrorCode.CONFIGURATION_ERROR
    assert "codegen-ast regenerate" in raised.value.message


def test_the_wheel_ships_every_module_and_py_typed() -> None:
    """setuptools finds packages with an __init__.py (include codegen_ast*) and
    ships the package data pyproject.toml lists."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "codegen_ast*" in config["packages"]["find"]["include"]
    assert config["package-data"]["codegen_ast.support.onex_support"] == ["py.typed"]
    for folder in [SUPPORT_ROOT, *(p for p in (SUPPORT_ROOT / "onex_support").rglob("*") if p.is_dir())]:
        if folder.name != "__pycache__":
            assert (folder / "__init__.py").is_file(), folder


def test_no_module_shadows_a_library_when_its_folder_is_on_sys_path() -> None:
    """``python onex_support/run.py`` puts the folder first on sys.path: a module
    named http, types, redis, kafka or consul would hide the real one."""
    shadowed = set(sys.stdlib_module_names) | {
        "aiokafka",
        "asyncpg",
        "consul",
        "httpx",
        "kafka",
        "omnibase_core",
        "pydantic",
        "redis",
        "yaml",
    }
    names = {Path(path).stem for path in support_files() if path.endswith(".py")}
    assert names & shadowed == set()

"""Declarative packages generated from the examples into one output folder, and the
real services they run against (the fixtures of tests/support)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.declarative.support_folder import write_support
from codegen_ast.readers import read_spec
from codegen_ast.validate import validate
from tests.checkers import compliance_check, declarative_nodes, onex_validate, typed_contracts
from tests.support.conftest import database, http_env, http_server, postgres_env  # noqa: F401 (fixtures)
from tests.support.helpers import Database

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# every effect and compute example: CRUD on PostgreSQL, HTTP endpoints, declared and
# consumed events, formulas with a cache, the plain default
DECLARATIVE_EXAMPLES = (
    "orders_crud_effect", "payments_events_effect", "inventory_api_effect", "orders_effect", "price_quote_compute",
)


def generate_into(folder: Path, *examples: str) -> dict[str, Path]:
    """Each example's declarative package written into ``folder`` (with onex_support)."""
    written: dict[str, Path] = {}
    for example in examples:
        package = generate_declarative(read_spec(EXAMPLES / f"{example}.yaml").spec)
        written[example] = package.write(folder)
    write_support(folder)
    return written


def output_folder(factory: pytest.TempPathFactory, name: str, *examples: str) -> Path:
    """A fresh output folder with the examples' declarative packages and onex_support."""
    folder = factory.mktemp(name) / "out"
    folder.mkdir()
    generate_into(folder, *examples)
    return folder


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return output_folder(tmp_path_factory, "declarative", *DECLARATIVE_EXAMPLES)


def migrate(database: Database, package: Path) -> None:
    """The package's migrations, run on ``database`` (tables dropped first)."""

    async def run() -> None:
        connection = await database.connect()
        try:
            for migration in sorted((package / "migrations").glob("*.sql")):
                table = migration.stem.split("_", 2)[2]
                await connection.execute(f'DROP TABLE IF EXISTS "{table}"')
                await connection.execute(migration.read_text(encoding="utf-8"))
        finally:
            await connection.close()

    asyncio.run(run())


def assert_every_checker_passes(folder: Path, packages: list[Path], report_dir: Path) -> None:
    """The packages of ``folder`` pass onex validate --strict (each), onex compliance check (8 of 8),
    the framework's typed contracts, the declarative-node validator, codegen-ast validate --level
    strict (no finding) and mypy --strict (with onex_support)."""
    for package in packages:
        validated = onex_validate(package)
        assert validated.ok, (package.name, validated.issues, validated.output)
    compliance = compliance_check(folder, report_dir)
    assert compliance.ok, compliance.output
    for node in compliance.nodes.values():
        assert len(node.checks_passed) == 8 and node.checks_failed == [], node
    assert [(item.path.parent.name, item.error) for item in typed_contracts(folder) if item.error] == []
    checked = declarative_nodes(folder)
    assert checked.passed and checked.files_checked == len(packages), checked.violations
    report = validate(packages, level="strict", display_root=folder)
    assert [f"{f.file}:{f.line} {f.rule} {f.message}" for f in report.findings] == []
    typed = subprocess.run([str(Path(sys.executable).parent / "mypy"), "--strict", "--no-incremental",
                            *(package.name for package in packages), "onex_support"],
                           cwd=folder, capture_output=True, text=True, timeout=600, check=False)
    assert typed.returncode == 0, typed.stdout + typed.stderr

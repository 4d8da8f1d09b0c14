"""Declarative packages generated from the examples into one output folder, and the
real services they run against (the fixtures of tests/support)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.declarative.support_folder import write_support
from codegen_ast.readers import read_spec
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

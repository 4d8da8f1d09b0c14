"""A schema change becomes the next numbered migration; an applied one never changes.

Checked on a real PostgreSQL: the database that ran 001 gets the new column from
002, and keeps its rows.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg
import yaml
from click.testing import CliRunner

from codegen_ast.cli import main
from tests.services import PostgresServer

SPEC = {
    "name": "ledger",
    "node_type": "effect",
    "description": "Ledger entries.",
    "database": {"table": "ledger_entries", "key": "entry_id"},
    "operations": ["create_entry", "read_entry"],
    "input_fields": [{"name": "entry_id", "type": "str"}, {"name": "amount", "type": "float"}],
}


def _cli(*arguments: str) -> None:
    result = CliRunner().invoke(main, list(arguments), catch_exceptions=False)
    assert result.exit_code == 0, result.output


async def _run(server: PostgresServer, *statements: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(**server.connect_kwargs())
    try:
        for statement in statements[:-1]:
            await connection.execute(statement)
        return list(await connection.fetch(statements[-1]))
    finally:
        await connection.close()


async def test_a_new_column_is_a_new_migration_that_an_existing_database_applies(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    spec = tmp_path / "ledger.yaml"
    spec.write_text(yaml.safe_dump(SPEC, sort_keys=False))
    _cli("new", str(spec), "-o", str(tmp_path / "out"), "--level", "basic", "-q", "--shape", "imperative")
    root = tmp_path / "out" / "node_ledger_effect"
    first = (root / "migrations" / "001_create_ledger_entries.sql").read_text()
    await _run(postgres_server, 'DROP TABLE IF EXISTS "ledger_entries"', first,
               "INSERT INTO \"ledger_entries\" VALUES ('E-1', 12.5)", "SELECT 1")

    fields = [*SPEC["input_fields"], {"name": "memo", "type": "str", "required": False},  # type: ignore[list-item]
              {"name": "booked", "type": "bool"}]
    spec.write_text(yaml.safe_dump({**SPEC, "input_fields": fields}, sort_keys=False))
    _cli("regenerate", str(root), "--level", "basic", "-q")
    assert (root / "migrations" / "001_create_ledger_entries.sql").read_text() == first  # applied: untouched
    second = (root / "migrations" / "002_alter_ledger_entries.sql").read_text()
    assert 'ALTER TABLE "ledger_entries" ADD COLUMN IF NOT EXISTS "memo" TEXT;' in second
    rows = await _run(postgres_server, second, 'SELECT "entry_id", "amount", "memo", "booked" FROM "ledger_entries"')
    assert [tuple(row) for row in rows] == [("E-1", 12.5, None, None)]  # the old row is kept

    _cli("regenerate", str(root), "--level", "basic", "-q")  # nothing changed: no third migration
    assert sorted(path.name for path in (root / "migrations").iterdir()) == [
        "001_create_ledger_entries.sql", "002_alter_ledger_entries.sql"]
    await _run(postgres_server, 'DROP TABLE "ledger_entries"', "SELECT 1")

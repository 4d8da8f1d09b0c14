"""Migrations are history: one already written is never rewritten.

``generate`` writes ``migrations/001_create_<table>.sql`` for the table a spec
declares. Once a package has migrations, an applied one may never change, so
regenerate keeps every migration on disk as it is and, when the declared
table changed since the last generation, adds the next numbered migration
that takes the table from there (``002_alter_orders.sql``: added columns,
new types, relaxed NOT NULL; see :func:`schema_change_sql`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from codegen_ast.manifest import Manifest
from codegen_ast.patterns.crud.handlers import next_migration_path, schema_change_sql
from codegen_ast.spec import NodeSpec

FOLDER = "migrations/"


@dataclass
class MigrationPlan:
    recorded: dict[str, str] = field(default_factory=dict)  # every migration, as the manifest records it
    added: dict[str, str] = field(default_factory=dict)  # the new one, if any


def is_migration(relative: str) -> bool:
    return relative.startswith(FOLDER) and relative.endswith(".sql")


def plan_migrations(root: Path, manifest: Manifest, spec: NodeSpec, theirs: dict[str, str]) -> MigrationPlan:
    generated = {name: text for name, text in theirs.items() if is_migration(name)}
    on_disk = sorted(path.relative_to(root).as_posix() for path in (root / FOLDER).glob("*.sql")) \
        if (root / FOLDER).is_dir() else []
    known = sorted({*on_disk, *(name for name in manifest.hashes if is_migration(name))})
    if not known:  # a package without migrations yet: the generator's own
        return MigrationPlan(generated, generated)
    plan = MigrationPlan()
    for name in known:
        if name in manifest.generated:
            plan.recorded[name] = manifest.generated[name]
        elif (root / name).is_file():
            plan.recorded[name] = (root / name).read_text(encoding="utf-8")
    if spec.database is not None and manifest.spec is not None:
        sql = schema_change_sql(manifest.spec, spec)
        if sql is not None:
            created = manifest.spec.database is None or manifest.spec.database.table != spec.database.table
            path = next_migration_path(spec, known, created=created)
            plan.added[path] = sql
            plan.recorded[path] = sql
    return plan

"""The crud pattern's record: handlers with parametrised SQL for a declared table, and its migration."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.decisions import Selection
from codegen_ast.files.values import sample_request
from codegen_ast.patterns.contribution import Contribution, GeneratedTests, NodeContext
from codegen_ast.patterns.crud.declarative import build_declarative
from codegen_ast.patterns.crud.handlers import build_crud_handler, migration_path, migration_sql
from codegen_ast.patterns.crud.tests import needs_database_test
from codegen_ast.patterns.record import Earlier, Example, Pattern, PatternName
from codegen_ast.spec import NodeSpec


def _applies(spec: NodeSpec, selection: Selection) -> str | None:
    if spec.database is None:
        return None
    return f"database table {spec.database.table!r} is declared: CRUD handlers with parametrised SQL"


def _build(context: NodeContext, earlier: Earlier) -> Contribution:
    spec = context.spec
    imports = b.ImportSet()
    operations: dict[str, list[cst.BaseStatement]] = {
        name: [needs_database_test(spec.class_name, name, sample_request(context, name, imports))]
        for name in context.operations
    }
    return Contribution(
        handlers={operation.name: build_crud_handler(context, operation) for operation in spec.effective_operations},
        texts={migration_path(spec): migration_sql(spec)},
        tests=GeneratedTests(imports=imports, operations=operations),
    )


PATTERN = Pattern(
    name=PatternName.CRUD,
    summary="CRUD on a declared PostgreSQL table: one handler per operation with parametrised SQL, and the migration.",
    applies=_applies,
    build=_build,
    example=Example(
        before="async def handle(self, request):\n    return ModelOrdersOutput(...)  # put the business logic here",
        after=(
            "row = await self._node.postgres_fetchrow(\n"
            "    'INSERT INTO \"orders\" (\"sku\") VALUES ($1) RETURNING *', request.sku\n)"
        ),
    ),
    tests=("tests/test_crud_live.py",),
    declarative=build_declarative,
)

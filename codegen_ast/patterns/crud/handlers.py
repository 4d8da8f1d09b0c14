"""Database effect nodes: handlers that run parametrised SQL through asyncpg,
and the migration that creates their table.

The SQL text is assembled here from the table and column names, which the
spec has validated as snake_case identifiers (and which are quoted anyway);
every value travels as a ``$n`` parameter, never inside the SQL.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast.patterns import idioms
from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.files.values import sent_value
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.spec import FieldSpec, NodeSpec, OperationSpec
from codegen_ast.target import ERROR_CODE, ONEX_ERROR

LIST_LIMIT = 1000
SQL_TYPES = {
    "str": "TEXT", "int": "BIGINT", "float": "DOUBLE PRECISION", "bool": "BOOLEAN", "bytes": "BYTEA",
    "datetime": "TIMESTAMPTZ", "date": "DATE", "UUID": "UUID", "Decimal": "NUMERIC",
    "SecretStr": "TEXT", "SecretBytes": "BYTEA",
}


def quoted(identifier: str) -> str:
    return f'"{identifier}"'


def columns(spec: NodeSpec) -> list[FieldSpec]:
    return list(spec.input_fields)


def _column_list(spec: NodeSpec) -> str:
    return ", ".join(quoted(field.name) for field in columns(spec))


def migration_sql(spec: NodeSpec) -> str:
    """``CREATE TABLE IF NOT EXISTS`` for the node's table."""
    assert spec.database is not None
    lines = []
    for field in columns(spec):
        sql_type = SQL_TYPES[field.type.scalar]
        if field.name == spec.database.key:
            lines.append(f"    {quoted(field.name)} {sql_type} PRIMARY KEY")
        elif field.required and not field.type.optional:
            lines.append(f"    {quoted(field.name)} {sql_type} NOT NULL")
        else:
            lines.append(f"    {quoted(field.name)} {sql_type}")
    body = ",\n".join(lines)
    return (
        f"-- Table of {spec.class_name}, written by codegen-ast.\n"
        f"CREATE TABLE IF NOT EXISTS {quoted(spec.database.table)} (\n{body}\n);\n"
    )


def migration_path(spec: NodeSpec) -> str:
    assert spec.database is not None
    return f"migrations/001_create_{spec.database.table}.sql"


def _not_null(spec: NodeSpec, field: FieldSpec) -> bool:
    assert spec.database is not None
    return field.name != spec.database.key and field.required and not field.type.optional


def schema_change_sql(old: NodeSpec, new: NodeSpec) -> str | None:
    """The migration from the table ``old`` declared to the one ``new`` declares, or
    None when they are the same. A new table is created; on the same table,
    columns are added, retyped and relaxed. Nothing is dropped: a column the spec
    no longer has keeps its data, and the statement that would drop it is left
    as a comment, as is NOT NULL on a column existing rows may not fill."""
    assert new.database is not None
    if old.database is None or old.database.table != new.database.table:
        return migration_sql(new)
    table = quoted(new.database.table)
    before = {field.name: field for field in columns(old)}
    after = {field.name: field for field in columns(new)}
    statements: list[str] = []
    if old.database.key != new.database.key:
        statements.append(f"-- the key changed from {quoted(old.database.key)} to {quoted(new.database.key)}: "
                          "move the primary key in a migration of your own")
    for name, field in after.items():
        column, sql_type = quoted(name), SQL_TYPES[field.type.scalar]
        if name not in before:
            statements.append(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {sql_type};")
            if _not_null(new, field):
                statements.append(f"-- rows written before have no {column}: fill it, then\n"
                                  f"-- ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL;")
            continue
        old_field = before[name]
        if SQL_TYPES[old_field.type.scalar] != sql_type:
            statements.append(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {sql_type} USING {column}::{sql_type};")
        if _not_null(old, old_field) and not _not_null(new, field):
            statements.append(f"ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL;")
        elif not _not_null(old, old_field) and _not_null(new, field):
            statements.append(f"-- {column} is now required: fill it where it is NULL, then\n"
                              f"-- ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL;")
    for name, field in before.items():
        if name in after:
            continue
        column = quoted(name)
        if _not_null(old, field):  # inserts no longer give it
            statements.append(f"ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL;")
        statements.append(f"-- {column} is no longer in the spec; its data stays. To drop it:\n"
                          f"-- ALTER TABLE {table} DROP COLUMN {column};")
    if not statements:
        return None
    return (f"-- Changes to the table of {new.class_name} since the previous generation, written by codegen-ast.\n"
            + "\n".join(statements) + "\n")


def next_migration_path(spec: NodeSpec, existing: list[str], *, created: bool) -> str:
    """``migrations/00N_alter_<table>.sql`` after the highest number in ``existing``."""
    assert spec.database is not None
    numbers = [int(name.split("/")[-1].split("_")[0]) for name in existing
               if name.split("/")[-1].split("_")[0].isdigit()]
    number = max(numbers, default=0) + 1
    verb = "create" if created else "alter"
    return f"migrations/{number:03d}_{verb}_{spec.database.table}.sql"


def crud_sql(spec: NodeSpec, kind: str) -> str:
    assert spec.database is not None
    table, key = quoted(spec.database.table), quoted(spec.database.key)
    names = [field.name for field in columns(spec)]
    returning = f"RETURNING {_column_list(spec)}"
    if kind == "create":
        placeholders = ", ".join(f"${i}" for i in range(1, len(names) + 1))
        return f"INSERT INTO {table} ({_column_list(spec)}) VALUES ({placeholders}) {returning}"
    if kind == "read":
        return f"SELECT {_column_list(spec)} FROM {table} WHERE {key} = $1"
    if kind == "update":
        others = [n for n in names if n != spec.database.key]
        sets = ", ".join(f"{quoted(n)} = COALESCE(${i}, {quoted(n)})" for i, n in enumerate(others, start=2))
        return f"UPDATE {table} SET {sets} WHERE {key} = $1 {returning}"
    if kind == "delete":
        return f"DELETE FROM {table} WHERE {key} = $1 {returning}"
    return f"SELECT {_column_list(spec)} FROM {table} ORDER BY {key} LIMIT {LIST_LIMIT}"


def crud_arguments(spec: NodeSpec, kind: str) -> list[b.ExprLike]:
    assert spec.database is not None
    values = {  # the input model makes the key optional (list needs none)
        field.name: sent_value(field, optional=field.type.optional or not field.required or field.name == spec.database.key)
        for field in columns(spec)
    }
    key = values[spec.database.key]
    if kind == "create":
        return list(values.values())
    if kind == "update":
        return [key, *(value for name, value in values.items() if name != spec.database.key)]
    if kind in ("read", "delete"):
        return [key]
    return []


def _answer(context: NodeContext, **extra: b.ExprLike) -> cst.Call:
    return b.call(
        context.output_model,
        operation_id="request.operation_id",
        effect_type="request.effect_type",
        correlation_id="request.correlation_id",
        **extra,
    )


def _not_found(spec: NodeSpec) -> cst.BaseStatement:
    assert spec.database is not None
    # the key's value stays out of the message, which is logged: the caller has the request
    return idioms.raise_error(
        f"no {spec.database.table} row has the requested {spec.database.key}",
        "NOT_FOUND",
        correlation_id="request.correlation_id",
        table=b.string_literal(spec.database.table),
    )


def _body(context: NodeContext, operation: OperationSpec) -> list[cst.BaseStatement]:
    spec = context.spec
    kind = operation.crud_kind or "read"
    query = b.string_literal(crud_sql(spec, kind))
    assert spec.database is not None
    if kind == "list":
        count = b.string_literal(f"SELECT count(*) FROM {quoted(spec.database.table)}")
        return [
            b.with_(
                [(b.call("self._node.postgres_transaction"), "connection")],
                [
                    b.assign("rows", b.await_(b.call("connection.fetch", query))),
                    b.assign("total", b.await_(b.call("connection.fetchval", count))),
                ],
                is_async=True,
            ),
            b.return_(
                _answer(
                    context,
                    records=b.list_comp(b.call("dict", "row"), "row", "rows"),
                    total=b.call("int", "total"),
                )
            ),
        ]
    fetch = b.await_(b.call("self._node.postgres_fetchrow", query, *crud_arguments(spec, kind)))
    values = {field.name: b.subscript("row", b.string_literal(field.name)) for field in columns(spec)}
    key = spec.database.key
    missing_key = idioms.raise_error(f"{operation.name} needs {key}", "VALIDATION_ERROR", correlation_id="request.correlation_id")
    return [
        b.if_(b.compare(f"request.{key}", "is", "None"), [missing_key]),
        b.assign("row", fetch),
        b.if_(b.compare("row", "is", "None"), [_not_found(spec)]),
        b.return_(_answer(context, **values, total=b.literal(1))),
    ]


_DOCS = {
    "create": "Insert the row; its columns come back as the output.",
    "read": "Fetch the row by its key; NOT_FOUND when there is none.",
    "update": "Set the given columns (None keeps the stored value); NOT_FOUND when there is no row.",
    "delete": "Delete the row by its key and return what it held; NOT_FOUND when there is none.",
    "list": f"Every row in key order (at most {LIST_LIMIT}) and the total count, read in one transaction.",
}


def build_crud_handler(context: NodeContext, operation: OperationSpec) -> cst.Module:
    spec = context.spec
    kind = operation.crud_kind or "read"
    imports = b.ImportSet().add("__future__", "annotations").add("typing", "TYPE_CHECKING")
    imports.add(f"..models.{spec.input_model_file}", context.input_model)
    imports.add(f"..models.{spec.output_model_file}", context.output_model)
    if kind != "list":
        imports.add(*ERROR_CODE).add(*ONEX_ERROR)
    init = b.method(
        "__init__",
        [Param("node", spec.class_name)],
        [b.assign("self._node", "node")],
        returns="None",
        doc="Queries run through the node's postgres helpers (pool, metrics).",
    )
    handle = b.method(
        "handle",
        [Param("request", context.input_model)],
        _body(context, operation),
        returns=context.output_model,
        is_async=True,
        doc=_DOCS[kind],
    )
    assert spec.database is not None
    handler = b.class_(
        context.handler_class(operation.name),
        [],
        [init, handle],
        doc=operation.description or f"The {operation.name} operation ({kind}) on the {spec.database.table} table.",
    )
    # the node imports its handlers, so a handler names the node's type only for mypy
    node_import = b.ImportSet().add("..node", spec.class_name).statements()
    type_only = b.if_("TYPE_CHECKING", node_import)
    return b.module(
        [*imports.statements(), type_only, handler],
        doc=f"Handler of the {operation.name} operation of {spec.class_name}.",
    )

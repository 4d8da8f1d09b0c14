"""The crud pattern in the declarative shape: each operation's ``run`` on the
node's ``PostgresPool`` (``resources.postgres``), with ``onex_support.crud``'s
checks (``required``, ``found``) and keyset paging for lists."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.patterns.contribution import Contribution, NodeContext, RunBody
from codegen_ast.patterns.crud.handlers import SQL_TYPES, columns, crud_arguments, crud_sql, migration_path, migration_sql, quoted
from codegen_ast.patterns.record import Earlier
from codegen_ast.spec import NodeSpec, OperationSpec

CRUD = "onex_support.crud"

_DOCS = {
    "create": "Insert the row; its columns come back as the answer.",
    "read": "Fetch the row by its key; NOT_FOUND when there is none.",
    "update": "Set the given columns (None keeps the stored value); NOT_FOUND when there is no row.",
    "delete": "Delete the row by its key and answer what it held; NOT_FOUND when there is none.",
    "list": "One page of rows in key order (limit, cursor); next_cursor reads the next.",
}


def _answer(context: NodeContext, **fields: b.ExprLike) -> cst.Call:
    return b.call(context.output_model, operation="request.operation", correlation_id="request.correlation_id", **fields)


def list_sql(spec: NodeSpec) -> str:
    assert spec.database is not None
    key_field = next(field for field in columns(spec) if field.name == spec.database.key)
    key, cast = quoted(spec.database.key), SQL_TYPES[key_field.type.scalar].lower()
    listed = ", ".join(quoted(field.name) for field in columns(spec))
    return (
        f"SELECT {listed} FROM {quoted(spec.database.table)} "
        f"WHERE ($1::{cast} IS NULL OR {key} > $1::{cast}) ORDER BY {key} LIMIT $2"
    )


def _list_body(context: NodeContext) -> list[cst.BaseStatement]:
    spec = context.spec
    assert spec.database is not None
    return [
        b.assign("page", b.call("page_request", "request.limit", "request.cursor", "request.correlation_id")),
        b.assign(
            "rows",
            b.await_(b.call("resources.postgres.fetch", b.string_literal(list_sql(spec)), "page.after", "page.fetch_size")),
        ),
        b.assign("listed", b.call("next_page", "rows", "page", b.string_literal(spec.database.key))),
        b.return_(
            _answer(context, records=b.list_comp(b.call("dict", "row"), "row", "listed.rows"), next_cursor="listed.next_cursor")
        ),
    ]


def _row_body(context: NodeContext, kind: str) -> list[cst.BaseStatement]:
    spec = context.spec
    assert spec.database is not None
    key = spec.database.key
    arguments = [b.name("key") if b.expr(argument).deep_equals(b.expr(f"request.{key}")) else argument
                 for argument in crud_arguments(spec, kind)]
    return [
        b.assign("key", b.call("required", f"request.{key}", b.string_literal(key), "self.operation",
                               "request.correlation_id")),
        b.assign("row", b.await_(b.call("resources.postgres.fetchrow", b.string_literal(crud_sql(spec, kind)), *arguments))),
        b.assign("found_row", b.call("found", "row", b.string_literal(spec.database.table), b.string_literal(key),
                                     "request.correlation_id")),
        b.return_(_answer(context, **{field.name: b.subscript("found_row", b.string_literal(field.name))
                                      for field in columns(spec)})),
    ]


def run_body(context: NodeContext, operation: OperationSpec) -> RunBody:
    kind = operation.crud_kind or "read"
    if kind == "list":
        return RunBody(tuple(_list_body(context)), frozenset({(CRUD, "page_request"), (CRUD, "next_page")}), _DOCS[kind])
    return RunBody(tuple(_row_body(context, kind)), frozenset({(CRUD, "required"), (CRUD, "found")}), _DOCS[kind])


def build_declarative(context: NodeContext, earlier: Earlier) -> Contribution:
    spec = context.spec
    return Contribution(
        runs={operation.name: run_body(context, operation) for operation in spec.effective_operations},
        texts={migration_path(spec): migration_sql(spec)},
    )

"""Tests of a database node's operations against a real PostgreSQL: each answer
compared whole, the table read back directly after every write (the other rows
untouched), each failure's code and context (NOT_FOUND with its table and key,
VALIDATION_ERROR naming the missing key, INVALID_STATE with SQLSTATE 23505, a
refused connection)."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.declarative.testgen.common import Statements, TestModule, samples
from codegen_ast.patterns.crud.handlers import columns
from codegen_ast.spec import OperationSpec

# what runs after a successful call of an operation (its declared events read back)
AfterCall = Callable[[str], Statements]
# what runs after a failed call: nothing was published
AfterFailure = Callable[[str], tuple[Statements, Statements]]


class CrudTests:
    def __init__(self, module: TestModule, after: AfterCall, after_failure: AfterFailure) -> None:
        self.module = module
        self.after = after
        self.after_failure = after_failure
        spec = module.spec
        assert spec.database is not None
        self.table = spec.database.table
        self.key = spec.database.key
        self.columns = columns(spec)
        self.others = [c for c in self.columns if c.name != self.key]

    # --- pieces -----------------------------------------------------------------------
    def row(self, n: int, changed: int | None = None) -> dict[str, cst.BaseExpression]:
        """The ``n``-th row; its non-key columns at sample ``changed`` when given."""
        values = samples(self.columns, n, self.module.imports)
        if changed is not None:
            values |= samples(self.others, changed, self.module.imports)
        return values

    def literal_row(self, values: dict[str, cst.BaseExpression]) -> cst.BaseExpression:
        return b.expr(b.dict_({name: value for name, value in values.items()}))

    def insert(self, *numbers: int) -> Statements:
        self.module.imports.add("onex_support.testing.fixtures", "Database")
        return [b.do(b.await_(b.call("postgres.insert", b.string_literal(self.table), self.literal_row(self.row(n)))))
                for n in numbers]

    def rows_are(self, *rows: dict[str, cst.BaseExpression]) -> cst.BaseStatement:
        read = b.await_(b.call("postgres.rows", b.string_literal(self.table), b.string_literal(self.key)))
        return b.assert_(b.compare(read, "==", b.list_(*(self.literal_row(row) for row in rows))))

    def answer_is(self, operation: str, values: dict[str, cst.BaseExpression], target: str = "answer") -> cst.BaseStatement:
        answer = self.module.answer(operation=b.string_literal(self.module.spec.routed(operation)),
                                    correlation_id="request.correlation_id", **values)
        return self.module.same(target, answer)

    def key_value(self, n: int) -> cst.BaseExpression:
        return samples(self.columns, n, self.module.imports)[self.key]

    def keyed(self, operation: str, n: int, **values: b.ExprLike) -> cst.Call:
        return self.module.request(operation, **{self.key: self.key_value(n)}, **values)

    def not_found(self, operation: str, n: int, *, unchanged: tuple[int, ...] = ()) -> Statements:
        m = self.module
        before, after = self.after_failure(operation)
        return [
            b.assign("request", self.keyed(operation, n)),
            *before,
            *m.fails("NOT_FOUND", b.do(m.call(operation, "request")),
                     m.context_is("table", b.string_literal(self.table)),
                     m.context_is("key", b.string_literal(self.key))),
            *([self.rows_are(*(self.row(k) for k in unchanged))] if unchanged else []),
            *after,
        ]

    def no_key(self, operation: str) -> Statements:
        m = self.module
        return [
            b.assign("request", m.request(operation)),
            *m.fails("VALIDATION_ERROR", b.do(m.call(operation, "request")),
                     m.context_is("field", b.string_literal(self.key))),
        ]

    # --- one test per operation ----------------------------------------------------------
    def build(self, operation: OperationSpec) -> None:
        kind = operation.crud_kind or "read"
        name = operation.name
        m = self.module
        if kind == "create":
            body = [
                *self.insert(2),
                b.assign("request", m.request(name, **self.row(1))),
                b.assign("answer", m.call(name, "request")),
                self.answer_is(name, self.row(1)),
                self.rows_are(self.row(1), self.row(2)),
                *self.after(name),
                b.with_leading_comment(b.assign("request", m.request(name, **self.row(1, changed=3))),
                                       "the same key again: refused, the stored row kept"),
                *m.fails("INVALID_STATE", b.do(m.call(name, "request")),
                         m.context_is("sqlstate", b.string_literal("23505"))),
                self.rows_are(self.row(1), self.row(2)),
                *self.no_key(name),
            ]
            doc = (f"{name} inserts the row and answers its columns; the same key again is INVALID_STATE "
                   "(SQLSTATE 23505); no key is a VALIDATION_ERROR.")
        elif kind == "read":
            body = [*self.insert(2, 1), b.assign("request", self.keyed(name, 2)),
                    b.assign("answer", m.call(name, "request")), self.answer_is(name, self.row(2)), *self.after(name),
                    *self.not_found(name, 3), *self.no_key(name)]
            doc = f"{name} answers the row of its key; another key is NOT_FOUND naming the table and key column."
        elif kind == "update":
            changed = self.row(1, changed=3)
            body = [
                *self.insert(1, 2),
                b.assign("request", m.request(name, **changed)),
                b.assign("answer", m.call(name, "request")),
                self.answer_is(name, changed),
                self.rows_are(changed, self.row(2)),
                *self.after(name),
            ]
            if self.others:  # a column not given keeps its stored value
                first = self.others[0]
                partly = changed | {first.name: samples(self.others, 4, m.imports)[first.name]}
                body += [
                    b.with_leading_comment(
                        b.assign("request", self.keyed(name, 1, **{first.name: partly[first.name]})),
                        "a column left out keeps its stored value",
                    ),
                    b.assign("answer", m.call(name, "request")),
                    self.answer_is(name, partly),
                    self.rows_are(partly, self.row(2)),
                ]
                changed = partly
            body += [*self.not_found(name, 3), self.rows_are(changed, self.row(2)), *self.no_key(name)]
            doc = f"{name} changes the given columns of its row only; another key is NOT_FOUND and writes nothing."
        elif kind == "delete":
            body = [*self.insert(1, 2), b.assign("request", self.keyed(name, 1)),
                    b.assign("answer", m.call(name, "request")), self.answer_is(name, self.row(1)),
                    self.rows_are(self.row(2)), *self.after(name), *self.not_found(name, 1, unchanged=(2,)),
                    *self.no_key(name)]
            doc = f"{name} deletes its row only and answers what it held; a second delete is NOT_FOUND."
        else:
            body = self.listing(name)
            doc = f"{name} reads the rows in key order, a bounded page at a time, to the last page."
        fixtures = ["postgres", "bus"]
        m.test(f"test_{name}_{kind}s_rows" if kind != "read" else f"test_{name}_reads_its_row", fixtures, body, doc)

    def listing(self, name: str) -> Statements:
        m = self.module
        page = b.attr("answer", "records")
        return [
            *self.insert(3, 1, 2),
            b.assign("request", m.request(name, limit=b.literal(2))),
            b.assign("answer", m.call(name, "request")),
            b.assert_(b.compare(page, "==", b.list_(self.literal_row(self.row(1)), self.literal_row(self.row(2))))),
            b.assert_(b.compare("answer.next_cursor", "is not", "None")),
            *self.after(name),
            b.assign("request", m.request(name, limit=b.literal(2), cursor="answer.next_cursor")),
            b.assign("answer", m.call(name, "request")),
            b.assert_(b.compare(page, "==", b.list_(self.literal_row(self.row(3))))),
            b.assert_(b.compare("answer.next_cursor", "is", "None")),
            b.assign("request", m.request(name)),
            b.assign("answer", m.call(name, "request")),
            b.assert_(b.compare(b.call("len", page), "==", b.literal(3))),
            b.assert_(b.compare("answer.next_cursor", "is", "None")),
        ]

    def refused(self, operation: OperationSpec) -> None:
        """A database that refuses connections: a retryable DATABASE_CONNECTION_ERROR."""
        m = self.module
        name = operation.name
        request = self.keyed(name, 1) if (operation.crud_kind or "read") != "list" else m.request(name)
        m.refused("POSTGRES_DSN", "refused_dsn", request, name, "DATABASE_CONNECTION_ERROR",
                  [m.context_is("retryable", "True"), m.context_is("integration", b.string_literal("postgres"))],
                  "test_a_database_that_refuses_connections_is_a_retryable_error",
                  "No server at POSTGRES_DSN: DATABASE_CONNECTION_ERROR, retryable, naming the integration.")

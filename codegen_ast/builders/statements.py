"""Statement builders: assignments, returns, raises, if/try/with, for, while."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codegen_ast.builders.expressions import ExprLike, expr, name, target_of

Stmt = cst.BaseStatement
Body = Sequence[Stmt]


def line(*small: cst.BaseSmallStatement) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine(list(small))


def do(value: ExprLike) -> cst.SimpleStatementLine:
    """An expression used as a statement, e.g. a call."""
    return line(cst.Expr(expr(value)))


def _target(value: ExprLike) -> cst.BaseAssignTargetExpression:
    node = expr(value)
    if not isinstance(node, cst.BaseAssignTargetExpression):
        raise TypeError(f"cannot assign to a {type(node).__name__}")
    return node


def assign(target: ExprLike, value: ExprLike, annotation: ExprLike | None = None) -> Stmt:
    if annotation is not None:
        return line(cst.AnnAssign(_target(target), cst.Annotation(expr(annotation)), expr(value)))
    return line(cst.Assign([cst.AssignTarget(_target(target))], expr(value)))


def declare(target: ExprLike, annotation: ExprLike) -> Stmt:
    """``target: annotation`` with no value (a class-level field declaration)."""
    return line(cst.AnnAssign(_target(target), cst.Annotation(expr(annotation)), None))


def augment(target: ExprLike, operator: str, value: ExprLike) -> Stmt:
    operators: dict[str, cst.BaseAugOp] = {"+=": cst.AddAssign(), "-=": cst.SubtractAssign()}
    return line(cst.AugAssign(_target(target), operators[operator], expr(value)))


def return_(value: ExprLike | None = None) -> Stmt:
    return line(cst.Return(None if value is None else expr(value)))


def raise_(exception: ExprLike | None = None, cause: ExprLike | None = None) -> Stmt:
    return line(
        cst.Raise(
            None if exception is None else expr(exception),
            None if cause is None else cst.From(expr(cause)),
        )
    )


def block(body: Body) -> cst.IndentedBlock:
    return cst.IndentedBlock(list(body))


def if_(test: ExprLike, body: Body, orelse: Body | None = None) -> cst.If:
    return cst.If(
        expr(test), block(body), None if not orelse else cst.Else(block(orelse))
    )


def if_chain(branches: Sequence[tuple[ExprLike, Body]], orelse: Body | None = None) -> Stmt:
    """``if a: ... elif b: ... else: ...`` from (test, body) pairs."""
    tail: cst.If | cst.Else | None = cst.Else(block(orelse)) if orelse else None
    for test, body in reversed(branches):
        tail = cst.If(expr(test), block(body), tail)
    if not isinstance(tail, cst.If):
        raise ValueError("if_chain needs at least one branch")
    return tail


def except_(
    types: Sequence[ExprLike] | ExprLike | None, body: Body, as_name: str | None = None
) -> cst.ExceptHandler:
    if types is None:
        type_node = None
    elif isinstance(types, (str, cst.BaseExpression)):
        type_node = expr(types)
    elif len(types) == 1:
        type_node = expr(types[0])
    else:
        type_node = cst.Tuple([cst.Element(expr(item)) for item in types])
    return cst.ExceptHandler(
        block(body),
        type=type_node,
        name=None if as_name is None else cst.AsName(name(as_name)),
    )


def try_(
    body: Body,
    handlers: Sequence[cst.ExceptHandler] = (),
    orelse: Body | None = None,
    finally_: Body | None = None,
) -> cst.Try:
    return cst.Try(
        block(body),
        handlers=list(handlers),
        orelse=cst.Else(block(orelse)) if orelse else None,
        finalbody=cst.Finally(block(finally_)) if finally_ else None,
    )


def with_(items: Sequence[tuple[ExprLike, str | None]], body: Body, *, is_async: bool = False) -> cst.With:
    return cst.With(
        [
            cst.WithItem(expr(item), None if alias is None else cst.AsName(name(alias)))
            for item, alias in items
        ],
        block(body),
        asynchronous=cst.Asynchronous() if is_async else None,
    )


def while_(test: ExprLike, body: Body) -> cst.While:
    return cst.While(expr(test), block(body))


def for_(target: str, iterable: ExprLike, body: Body, *, is_async: bool = False) -> cst.For:
    """``[async] for target in iterable:``; ``target`` may unpack: ``"name, stop"``."""
    return cst.For(
        target_of(target), expr(iterable), block(body), asynchronous=cst.Asynchronous() if is_async else None
    )


def assert_(test: ExprLike, message: ExprLike | None = None) -> Stmt:
    return line(cst.Assert(expr(test), None if message is None else expr(message)))


def with_comment(statement: cst.SimpleStatementLine, comment: str) -> cst.SimpleStatementLine:
    """Attach a trailing ``# comment`` (constant text from this package)."""
    if "\n" in comment or "\r" in comment:
        raise ValueError("a trailing comment must be one line")
    return statement.with_changes(
        trailing_whitespace=cst.TrailingWhitespace(
            whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(f"# {comment}")
        )
    )


def with_leading_comment(statement: Stmt, comment: str) -> Stmt:
    """Put a ``# comment`` line (constant text from this package) above ``statement``."""
    if "\n" in comment or "\r" in comment:
        raise ValueError("a comment must be one line")
    line_comment = cst.EmptyLine(comment=cst.Comment(f"# {comment}"))
    assert isinstance(statement, cst.SimpleStatementLine | cst.BaseCompoundStatement)
    return statement.with_changes(leading_lines=[*statement.leading_lines, line_comment])

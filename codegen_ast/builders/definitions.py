"""Definition builders: functions, parameters, classes, decorators, modules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from codegen_ast.builders.expressions import ExprLike, expr, name
from codegen_ast.builders.literals import docstring_statement
from codegen_ast.builders.statements import Body, block


@dataclass(frozen=True)
class Param:
    name: str
    annotation: ExprLike | None = None
    default: ExprLike | None = None
    keyword_only: bool = False


def _param(spec: Param) -> cst.Param:
    return cst.Param(
        name(spec.name),
        annotation=None if spec.annotation is None else cst.Annotation(expr(spec.annotation)),
        default=None if spec.default is None else expr(spec.default),
    )


def parameters(params: Sequence[Param]) -> cst.Parameters:
    """Plain, ``*name`` / ``**name`` (by the name's prefix) and keyword-only parameters."""
    plain = [p for p in params if not p.name.startswith("*")]
    positional = [_param(p) for p in plain if not p.keyword_only]
    keyword = [_param(p) for p in plain if p.keyword_only]
    star = next((p for p in params if p.name.startswith("*") and not p.name.startswith("**")), None)
    double = next((p for p in params if p.name.startswith("**")), None)
    star_arg: cst.Param | cst.ParamStar | cst.MaybeSentinel = cst.MaybeSentinel.DEFAULT
    if star is not None:
        star_arg = _param(Param(star.name[1:], star.annotation))
    elif keyword:
        star_arg = cst.ParamStar()
    return cst.Parameters(
        params=positional,
        star_arg=star_arg,
        kwonly_params=keyword,
        star_kwarg=None if double is None else _param(Param(double.name[2:], double.annotation)),
    )


def function(
    func_name: str,
    params: Sequence[Param],
    body: Body,
    *,
    returns: ExprLike | None = None,
    is_async: bool = False,
    doc: str | None = None,
    decorators: Sequence[ExprLike] = (),
) -> cst.FunctionDef:
    statements = ([docstring_statement(doc)] if doc else []) + list(body)
    return cst.FunctionDef(
        name(func_name),
        parameters(params),
        block(statements),
        decorators=[cst.Decorator(expr(item)) for item in decorators],
        returns=None if returns is None else cst.Annotation(expr(returns)),
        asynchronous=cst.Asynchronous() if is_async else None,
    )


def method(
    method_name: str,
    params: Sequence[Param],
    body: Body,
    *,
    returns: ExprLike | None = None,
    is_async: bool = False,
    doc: str | None = None,
    decorators: Sequence[ExprLike] = (),
) -> cst.FunctionDef:
    """A function whose first parameter is ``self``."""
    return function(
        method_name,
        [Param("self"), *params],
        body,
        returns=returns,
        is_async=is_async,
        doc=doc,
        decorators=decorators,
    )


def class_(
    class_name: str,
    bases: Sequence[ExprLike],
    body: Body,
    *,
    doc: str | None = None,
    decorators: Sequence[ExprLike] = (),
) -> cst.ClassDef:
    statements = ([docstring_statement(doc)] if doc else []) + list(body)
    has_bases = bool(bases)
    return cst.ClassDef(
        name(class_name),
        block(statements),
        bases=[cst.Arg(expr(base)) for base in bases],
        decorators=[cst.Decorator(expr(item)) for item in decorators],
        lpar=cst.LeftParen() if has_bases else cst.MaybeSentinel.DEFAULT,
        rpar=cst.RightParen() if has_bases else cst.MaybeSentinel.DEFAULT,
    )


def module(body: Sequence[cst.BaseStatement | cst.BaseCompoundStatement], *, doc: str | None = None) -> cst.Module:
    statements: list[cst.SimpleStatementLine | cst.BaseCompoundStatement] = [docstring_statement(doc)] if doc else []
    for statement in body:
        assert isinstance(statement, cst.SimpleStatementLine | cst.BaseCompoundStatement)
        statements.append(statement)
    return cst.Module(body=statements)

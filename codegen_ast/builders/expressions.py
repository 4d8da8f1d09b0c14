"""Expression builders: names, dotted attributes, calls, awaits, operators.

Identifiers are checked here, so a tree built from these functions can only
contain names that are valid Python identifiers.
"""

from __future__ import annotations

import keyword
from functools import lru_cache

import libcst as cst

Expr = cst.BaseExpression
ExprLike = cst.BaseExpression | str


def is_identifier(text: str) -> bool:
    return text.isidentifier() and not keyword.iskeyword(text)


_CONSTANTS = frozenset({"None", "True", "False"})


def name(identifier: str) -> cst.Name:
    """A name node; ``None``, ``True`` and ``False`` are accepted too."""
    if not is_identifier(identifier) and identifier not in _CONSTANTS:
        raise ValueError(f"not a Python identifier: {identifier!r}")
    return cst.Name(identifier)


def dotted(path: str) -> cst.Name | cst.Attribute:
    """``"self._pool.close"`` -> the attribute chain."""
    first, *rest = path.split(".")
    node: cst.Name | cst.Attribute = name(first)
    for part in rest:
        node = cst.Attribute(node, name(part))
    return node


def expr(value: ExprLike) -> Expr:
    """Strings stand for dotted names; nodes pass through."""
    return dotted(value) if isinstance(value, str) else value


def attr(value: ExprLike, attribute: str) -> cst.Attribute:
    return cst.Attribute(expr(value), name(attribute))


def star(value: ExprLike) -> cst.Arg:
    """``*value`` as a call argument."""
    return cst.Arg(expr(value), star="*")


def double_star(value: ExprLike) -> cst.Arg:
    """``**value`` as a call argument."""
    return cst.Arg(expr(value), star="**")


def call(func: ExprLike, *args: ExprLike | cst.Arg, **kwargs: ExprLike) -> cst.Call:
    """``func(*args, **kwargs)``; ready-made ``cst.Arg`` items (see :func:`star`) pass through."""
    arguments = [arg if isinstance(arg, cst.Arg) else cst.Arg(expr(arg)) for arg in args]
    arguments += [cst.Arg(expr(value), keyword=name(key)) for key, value in kwargs.items()]
    return cst.Call(expr(func), arguments)


def await_(value: ExprLike) -> cst.Await:
    return cst.Await(expr(value))


def subscript(value: ExprLike, *keys: ExprLike) -> cst.Subscript:
    return cst.Subscript(
        expr(value), [cst.SubscriptElement(cst.Index(expr(key))) for key in keys]
    )


_COMPARISONS: dict[str, cst.BaseCompOp] = {
    "==": cst.Equal(),
    "!=": cst.NotEqual(),
    "<": cst.LessThan(),
    "<=": cst.LessThanEqual(),
    ">": cst.GreaterThan(),
    ">=": cst.GreaterThanEqual(),
    "is": cst.Is(),
    "is not": cst.IsNot(),
    "in": cst.In(),
    "not in": cst.NotIn(),
}

_BINARY: dict[str, cst.BaseBinaryOp] = {
    "+": cst.Add(),
    "-": cst.Subtract(),
    "*": cst.Multiply(),
    "/": cst.Divide(),
    "//": cst.FloorDivide(),
    "%": cst.Modulo(),
    "|": cst.BitOr(),
    "**": cst.Power(),
}


def compare(left: ExprLike, operator: str, right: ExprLike) -> cst.Comparison:
    return cst.Comparison(
        expr(left), [cst.ComparisonTarget(_COMPARISONS[operator], expr(right))]
    )


def binop(left: ExprLike, operator: str, right: ExprLike) -> cst.BinaryOperation:
    return cst.BinaryOperation(expr(left), _BINARY[operator], expr(right))


def not_(value: ExprLike) -> cst.UnaryOperation:
    return cst.UnaryOperation(cst.Not(), expr(value))


def and_(*values: ExprLike) -> Expr:
    result = expr(values[0])
    for value in values[1:]:
        result = cst.BooleanOperation(result, cst.And(), expr(value))
    return result


def or_(*values: ExprLike) -> Expr:
    result = expr(values[0])
    for value in values[1:]:
        result = cst.BooleanOperation(result, cst.Or(), expr(value))
    return result


def _element(item: ExprLike | cst.StarredElement) -> cst.BaseElement:
    return item if isinstance(item, cst.StarredElement) else cst.Element(expr(item))


def list_(*items: ExprLike | cst.StarredElement) -> cst.List:
    return cst.List([_element(item) for item in items])


def tuple_(*items: ExprLike | cst.StarredElement) -> cst.Tuple:
    return cst.Tuple([_element(item) for item in items])


def dict_(entries: dict[str, ExprLike] | list[tuple[Expr, ExprLike]]) -> cst.Dict:
    from codegen_ast.builders.literals import string_literal

    pairs = (
        [(string_literal(key), value) for key, value in entries.items()]
        if isinstance(entries, dict)
        else entries
    )
    return cst.Dict([cst.DictElement(key, expr(value)) for key, value in pairs])


@lru_cache(maxsize=512)
def annotation(text: str) -> Expr:
    """Parse a constant, data-free type annotation such as ``dict[str, int]``.

    Only annotations written in this package's source pass through here
    (DESIGN.md allows parsing those); user-given types go through
    :func:`codegen_ast.spec.FieldType` and are built node by node. Cached:
    libcst nodes are immutable, and the same few annotations recur in every node.
    """
    return cst.parse_expression(text)


def parens(value: ExprLike) -> Expr:
    """Wrap in parentheses (libcst never adds the ones precedence needs)."""
    node = expr(value)
    return node.with_changes(lpar=[cst.LeftParen(), *node.lpar], rpar=[*node.rpar, cst.RightParen()])


def if_exp(test: ExprLike, body: ExprLike, orelse: ExprLike) -> cst.IfExp:
    return cst.IfExp(test=expr(test), body=expr(body), orelse=expr(orelse))


def comp_for(
    target: str | cst.BaseAssignTargetExpression,
    iterable: ExprLike,
    *conditions: ExprLike,
    inner: cst.CompFor | None = None,
) -> cst.CompFor:
    """``for target in iterable if condition ...`` of a comprehension; ``inner``
    chains a further ``for`` clause (``for stage in stages for step in stage``)."""
    return cst.CompFor(
        target=target_of(target) if isinstance(target, str) else target,
        iter=expr(iterable),
        ifs=[cst.CompIf(expr(condition)) for condition in conditions],
        inner_for_in=inner,
    )


def list_comp(
    element: ExprLike, target: str, iterable: ExprLike, *conditions: ExprLike, inner: cst.CompFor | None = None
) -> cst.ListComp:
    """``[element for target in iterable if condition ...]``; ``target`` may unpack: ``"name, value"``;
    ``inner`` adds a further ``for`` clause (:func:`comp_for`)."""
    return cst.ListComp(expr(element), comp_for(target, iterable, *conditions, inner=inner))


def set_comp(
    element: ExprLike, target: str, iterable: ExprLike, *conditions: ExprLike, inner: cst.CompFor | None = None
) -> cst.SetComp:
    """``{element for target in iterable if condition ...}``."""
    return cst.SetComp(expr(element), comp_for(target, iterable, *conditions, inner=inner))


def dict_comp(
    key: ExprLike,
    value: ExprLike,
    target: str,
    iterable: ExprLike,
    *conditions: ExprLike,
    inner: cst.CompFor | None = None,
) -> cst.DictComp:
    """``{key: value for target in iterable if condition ...}``; ``inner`` chains a further
    ``for`` clause: ``{step.name: step for stage in stages for step in stage}``."""
    return cst.DictComp(expr(key), expr(value), comp_for(target, iterable, *conditions, inner=inner))


def generator(
    element: ExprLike, target: str, iterable: ExprLike, *conditions: ExprLike, sole_argument: bool = False
) -> cst.GeneratorExp:
    """``(element for target in iterable if condition ...)``; ``sole_argument`` drops the
    parentheses, as the only argument of a call: ``any(x for x in xs)``."""
    generated = cst.GeneratorExp(expr(element), comp_for(target, iterable, *conditions))
    return generated.with_changes(lpar=[], rpar=[]) if sole_argument else generated


def target_of(target: str) -> cst.BaseAssignTargetExpression:
    """A loop target: ``"name"``, or ``"name, stop"`` to unpack."""
    names = [part.strip() for part in target.split(",")]
    if len(names) == 1:
        return name(names[0])
    return cst.Tuple([cst.Element(name(item)) for item in names], lpar=[], rpar=[])


def set_(*items: ExprLike) -> cst.Set:
    return cst.Set([cst.Element(expr(item)) for item in items])


def starred(value: ExprLike) -> cst.StarredElement:
    """``*value`` inside a list or tuple display."""
    return cst.StarredElement(expr(value))


def yield_(value: ExprLike | None = None) -> cst.Yield:
    return cst.Yield(None if value is None else expr(value))

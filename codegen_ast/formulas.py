"""Formulas: an output field computed from the request, e.g.
``total: {type: float, formula: "quantity * unit_price * (1 - discount)"}``.

A formula is arithmetic over numbers and field names, with ``abs``, ``min``,
``max`` and ``round``. It is read with the standard library's ``ast`` (this
reads user input; no code is produced as text) and rebuilt as a libcst
expression node by node, so only the constructs listed here can reach the
generated code. In a Reducer an output field's own name stands for its value
in the state reduced so far (0 before the first operation), which makes
running totals and counts one line: ``total: "total + amount"``.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Mapping

import libcst as cst

from codegen_ast import builders as b

FUNCTIONS = ("abs", "min", "max", "round")
_OPERATORS: dict[type[ast.operator], str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
}
NUMERIC = ("int", "float")


class FormulaError(ValueError):
    """A formula the generator will not turn into code; the message says why."""


@functools.cache  # the spec checks a formula, then the handler builds it: parse once
def parse(text: str) -> ast.expr:
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as error:
        raise FormulaError(f"formula {text!r} is not an arithmetic expression ({error.msg})") from None
    _check(tree, text)
    return tree


def _check(node: ast.expr, text: str) -> None:
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _OPERATORS:
            raise FormulaError(f"formula {text!r}: use only + - * / // % (and abs, min, max, round)")
        _check(node.left, text)
        _check(node.right, text)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        _check(node.operand, text)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"formula {text!r}: only numbers may be written as constants")
    elif isinstance(node, ast.Name):
        return
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
        if node.keywords or not node.args or (node.func.id == "abs" and len(node.args) != 1):
            raise FormulaError(f"formula {text!r}: call {node.func.id} with plain arguments")
        if node.func.id == "round" and len(node.args) > 2:
            raise FormulaError(f"formula {text!r}: round takes a value and at most a number of digits")
        if node.func.id in ("min", "max") and len(node.args) < 2:
            raise FormulaError(f"formula {text!r}: {node.func.id} needs at least two values")
        for argument in node.args:
            _check(argument, text)
    else:
        raise FormulaError(
            f"formula {text!r}: use numbers, field names, + - * / // % and abs, min, max, round"
        )


def names(tree: ast.expr) -> list[str]:
    """The field names a formula reads, in order of first use."""
    found = [node.id for node in sorted(
        (node for node in ast.walk(tree) if isinstance(node, ast.Name)), key=lambda node: node.col_offset
    )]
    return [name for name in dict.fromkeys(found) if name not in FUNCTIONS]


def divides(tree: ast.expr) -> bool:
    """Whether the formula divides (and so can raise ZeroDivisionError)."""
    return any(
        isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod)) for node in ast.walk(tree)
    )


def result_type(tree: ast.expr, types: Mapping[str, str]) -> str:
    """``int`` or ``float``: what the expression gives for fields of ``types``."""
    if isinstance(tree, ast.Constant):
        return "float" if isinstance(tree.value, float) else "int"
    if isinstance(tree, ast.Name):
        return types[tree.id]
    if isinstance(tree, ast.UnaryOp):
        return result_type(tree.operand, types)
    if isinstance(tree, ast.BinOp):
        if isinstance(tree.op, ast.Div):
            return "float"
        kinds = {result_type(tree.left, types), result_type(tree.right, types)}
        return "float" if "float" in kinds else "int"
    assert isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name)
    if tree.func.id == "round":
        return "float" if len(tree.args) == 2 and result_type(tree.args[0], types) == "float" else "int"
    kinds = {result_type(argument, types) for argument in tree.args}
    return "float" if "float" in kinds else "int"


def to_cst(tree: ast.expr, field: Callable[[str], cst.BaseExpression]) -> cst.BaseExpression:
    """The formula as a libcst expression; ``field(name)`` gives each name's value."""
    if isinstance(tree, ast.Constant):
        return b.literal(tree.value)
    if isinstance(tree, ast.Name):
        return field(tree.id)
    if isinstance(tree, ast.UnaryOp):
        operator = cst.Minus() if isinstance(tree.op, ast.USub) else cst.Plus()
        return cst.UnaryOperation(operator, _operand(tree.operand, field, 3, right=True))
    if isinstance(tree, ast.BinOp):
        symbol = _OPERATORS[type(tree.op)]
        level = _precedence(tree)
        return b.binop(_operand(tree.left, field, level, right=False), symbol, _operand(tree.right, field, level, right=True))
    assert isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name)
    return b.call(tree.func.id, *(to_cst(argument, field) for argument in tree.args))


def _precedence(tree: ast.expr) -> int:
    if isinstance(tree, ast.BinOp):
        return 1 if isinstance(tree.op, (ast.Add, ast.Sub)) else 2
    return 3 if isinstance(tree, ast.UnaryOp) else 4


def _operand(
    tree: ast.expr, field: Callable[[str], cst.BaseExpression], parent: int, *, right: bool
) -> cst.BaseExpression:
    """An operand, in parentheses where the grouping needs them (``a - (b - c)``, ``(a + b) * c``)."""
    expression = to_cst(tree, field)
    level = _precedence(tree)
    if level < parent or (right and level == parent) or isinstance(expression, cst.IfExp):
        return b.parens(expression)
    return expression

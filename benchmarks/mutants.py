"""Single-change mutants of a Python module, built on its LibCST tree (for benchmarks/mutation.py).

``mutants(source)`` lists every mutant of a module: one small change each, in the
classes a reviewer plants to see whether tests notice a broken handler:

* ``operator``   -- ``+``/``-``, ``*``/``/``, ``//``, ``%``, ``&``/``|`` ... swapped;
* ``comparison`` -- ``==``/``!=``, ``<``/``<=``, ``>``/``>=``, ``is``/``is not``, ``in``/``not in``;
* ``boolean``    -- ``and``/``or`` swapped, ``not x`` becomes ``x``, ``if c`` becomes ``if not c``;
* ``constant``   -- an integer or float ``n`` becomes ``n + 1``, ``True``/``False`` swapped, a
  string ``s`` becomes ``"XXsXX"`` (SQL, keys, topics, event names...);
* ``statement``  -- a call or ``await`` statement, an augmented assignment or a ``raise``
  becomes ``pass``; ``reversed(x)``/``sorted(x)``/``abs(x)``/``round(x)`` becomes ``x``;
* ``return``     -- ``return value`` becomes ``return None``;
* ``sql``        -- a query string loses its ``WHERE``, its ``ORDER BY`` flips, its ``LIMIT``
  shrinks by one (a query with none of these gets the ``XX`` change).

Not mutated, because no test can or should see the change: imports, annotations,
decorators, docstrings, ``if TYPE_CHECKING:`` blocks, ``__all__``, f-strings, and the
human text of messages (a ``message=``/``description=``/``reason=`` argument, the
arguments of a logging call). Each mutant compiles and differs from the original.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

MESSAGE_KEYWORDS = frozenset({"message", "description", "reason", "detail", "doc", "help"})
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "_log"})
UNWRAPPED_CALLS = frozenset({"reversed", "sorted", "abs", "round"})

_BINARY_SWAPS: dict[type[cst.BaseBinaryOp], Callable[[], cst.BaseBinaryOp]] = {
    cst.Add: cst.Subtract,
    cst.Subtract: cst.Add,
    cst.Multiply: cst.Divide,
    cst.Divide: cst.Multiply,
    cst.FloorDivide: cst.Divide,
    cst.Modulo: cst.Multiply,
    cst.Power: cst.Multiply,
    cst.BitAnd: cst.BitOr,
    cst.BitOr: cst.BitAnd,
    cst.LeftShift: cst.RightShift,
    cst.RightShift: cst.LeftShift,
}
_COMPARISON_SWAPS: dict[type[cst.BaseCompOp], Callable[[], cst.BaseCompOp]] = {
    cst.Equal: cst.NotEqual,
    cst.NotEqual: cst.Equal,
    cst.LessThan: cst.LessThanEqual,
    cst.LessThanEqual: cst.LessThan,
    cst.GreaterThan: cst.GreaterThanEqual,
    cst.GreaterThanEqual: cst.GreaterThan,
    cst.Is: cst.IsNot,
    cst.IsNot: cst.Is,
    cst.In: cst.NotIn,
    cst.NotIn: cst.In,
}


@dataclass(frozen=True)
class Mutant:
    """One mutant: where, what changed, and the whole mutated module."""

    index: int
    kind: str
    line: int
    description: str
    source: str


@dataclass(frozen=True)
class _Site:
    node: cst.CSTNode
    kind: str
    line: int
    description: str
    change: Callable[[cst.CSTNode], cst.CSTNode | cst.RemovalSentinel]


def _code(node: cst.CSTNode) -> str:
    text = cst.Module(body=[]).code_for_node(node)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _call_name(call: cst.Call) -> str:
    if isinstance(call.func, cst.Name):
        return call.func.value
    if isinstance(call.func, cst.Attribute):
        return call.func.attr.value
    return ""


def _is_docstring(line: cst.SimpleStatementLine) -> bool:
    body = line.body
    return len(body) == 1 and isinstance(body[0], cst.Expr) and isinstance(body[0].value, cst.SimpleString | cst.ConcatenatedString)


class _SiteFinder(cst.CSTVisitor):
    """Walks the tree once, in a fixed order, and lists every place a mutant can be made."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.sites: list[_Site] = []

    def _add(self, node: cst.CSTNode, kind: str, description: str, change: Callable[[cst.CSTNode], cst.CSTNode | cst.RemovalSentinel]) -> None:
        line = self.get_metadata(PositionProvider, node).start.line
        self.sites.append(_Site(node, kind, line, description, change))

    # -- not mutated ------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Annotation(self, node: cst.Annotation) -> bool:
        return False

    def visit_Decorator(self, node: cst.Decorator) -> bool:
        return False

    def visit_FormattedString(self, node: cst.FormattedString) -> bool:
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        return not (node.keyword is not None and node.keyword.value in MESSAGE_KEYWORDS)

    def visit_Call(self, node: cst.Call) -> bool:
        name = _call_name(node)
        if name in LOG_METHODS:
            return False
        if name in UNWRAPPED_CALLS and len(node.args) == 1 and node.args[0].keyword is None and not node.args[0].star:
            inner = node.args[0].value
            self._add(node, "statement", f"{_code(node)} -> {_code(inner)}", lambda _n: inner)
        return True

    def visit_If(self, node: cst.If) -> bool:
        if isinstance(node.test, cst.Name) and node.test.value == "TYPE_CHECKING":
            return False
        test = node.test

        def negate(n: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(n, cst.If)
            return n.with_changes(test=cst.UnaryOperation(cst.Not(), test.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])))

        comparison = isinstance(test, cst.Comparison) and len(test.comparisons) == 1
        if not comparison and not (isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)):
            # a single comparison or a `not` is already inverted by its own mutant
            self._add(node, "boolean", f"if {_code(test)} -> if not (...)", negate)
        return True

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        if _is_docstring(node):
            return False
        first = node.body[0]
        if isinstance(first, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in first.targets):
            return False
        removable = isinstance(first, cst.AugAssign | cst.Raise) or (
            isinstance(first, cst.Expr) and isinstance(first.value, cst.Call | cst.Await)
        )
        if len(node.body) == 1 and removable:
            if isinstance(first, cst.Expr) and isinstance(first.value, cst.Call) and _call_name(first.value) in LOG_METHODS:
                return False
            self._add(node, "statement", f"{_code(node)} -> pass", lambda n: n.with_changes(body=[cst.Pass()]))
        return True

    # -- mutated ----------------------------------------------------------------------
    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None and not (isinstance(node.value, cst.Name) and node.value.value == "None"):
            self._add(node, "return", f"{_code(node)} -> return None", lambda n: n.with_changes(value=cst.Name("None")))

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        swap = _BINARY_SWAPS.get(type(node.operator))
        if swap is not None:
            made = swap()
            self._add(node, "operator", f"{_code(node)}: {type(node.operator).__name__} -> {type(made).__name__}", lambda n: n.with_changes(operator=swap()))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        swaps = {cst.AddAssign: cst.SubtractAssign, cst.SubtractAssign: cst.AddAssign, cst.MultiplyAssign: cst.DivideAssign}
        swap = swaps.get(type(node.operator))
        if swap is not None:
            self._add(node, "operator", f"{_code(node)}: {type(node.operator).__name__} -> {swap.__name__}", lambda n: n.with_changes(operator=swap()))

    def visit_ComparisonTarget(self, node: cst.ComparisonTarget) -> None:
        swap = _COMPARISON_SWAPS.get(type(node.operator))
        if swap is not None:
            made = swap()
            self._add(node, "comparison", f"{type(node.operator).__name__} -> {type(made).__name__} before {_code(node.comparator)}", lambda n: n.with_changes(operator=swap()))

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        made: cst.BaseBooleanOp = cst.Or() if isinstance(node.operator, cst.And) else cst.And()
        self._add(node, "boolean", f"{_code(node)}: {type(node.operator).__name__} -> {type(made).__name__}", lambda n: n.with_changes(operator=made))

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if isinstance(node.operator, cst.Not):
            inner = node.expression
            self._add(node, "boolean", f"{_code(node)} -> {_code(inner)}", lambda _n: inner)

    def visit_Integer(self, node: cst.Integer) -> None:
        value = int(node.value.replace("_", ""), 0)
        self._add(node, "constant", f"{node.value} -> {value + 1}", lambda n: cst.Integer(str(value + 1)))

    def visit_Float(self, node: cst.Float) -> None:
        value = float(node.value.replace("_", ""))
        self._add(node, "constant", f"{node.value} -> {value + 1}", lambda n: cst.Float(repr(value + 1)))

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in ("True", "False"):
            other = "False" if node.value == "True" else "True"
            self._add(node, "constant", f"{node.value} -> {other}", lambda n: cst.Name(other))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        prefix = node.prefix
        quote = node.quote
        body = node.value[len(prefix) + len(quote) : -len(quote)]
        if "b" in prefix.lower():
            return
        if _SQL.match(body):
            for description, changed in _sql_mutations(body):
                text = f"{prefix}{quote}{changed}{quote}"
                self._add(node, "sql", description, lambda n, text=text: cst.SimpleString(text))
            return
        mutated = f"{prefix}{quote}XX{body}XX{quote}"
        self._add(node, "constant", f"{_code(node)} -> XX...XX", lambda n: cst.SimpleString(mutated))


_SQL = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\s", re.IGNORECASE)
_WHERE = re.compile(r"\sWHERE\s.*?(?=\s(RETURNING|ORDER\s+BY|LIMIT|GROUP\s+BY|ON\s+CONFLICT|FOR\s+UPDATE)\s|$)", re.IGNORECASE | re.DOTALL)


def _sql_mutations(sql: str) -> list[tuple[str, str]]:
    """A query's own bugs: its WHERE dropped, its sort order flipped, its LIMIT moved by one."""
    found: list[tuple[str, str]] = []
    where = _WHERE.search(sql)
    if where is not None:
        found.append((f"SQL without its WHERE: {where.group(0).strip()[:40]}", sql[: where.start()] + sql[where.end() :]))
    order = re.search(r"ORDER\s+BY\s+(\"?\w+\"?)(\s+(ASC|DESC))?", sql, re.IGNORECASE)
    if order is not None:
        flipped = f"ORDER BY {order.group(1)} {'ASC' if (order.group(3) or '').upper() == 'DESC' else 'DESC'}"
        found.append((f"SQL {order.group(0)} -> {flipped}", sql[: order.start()] + flipped + sql[order.end() :]))
    limit = re.search(r"LIMIT\s+(\d+)", sql, re.IGNORECASE)
    if limit is not None:
        found.append((f"SQL {limit.group(0)} -> LIMIT {int(limit.group(1)) - 1}", sql[: limit.start()] + f"LIMIT {int(limit.group(1)) - 1}" + sql[limit.end() :]))
    if not found:
        found.append(("SQL -> XX...XX", f"XX{sql}XX"))
    return found


class _Apply(cst.CSTTransformer):
    def __init__(self, site: _Site) -> None:
        super().__init__()
        self._site = site

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        result = super().on_leave(original_node, updated_node)
        if original_node is self._site.node and isinstance(result, cst.CSTNode):
            return self._site.change(result)
        return result


def mutants(source: str, kinds: Sequence[str] | None = None) -> list[Mutant]:
    """Every single-change mutant of ``source`` that compiles and differs from it, in source order."""
    module = cst.parse_module(source)
    finder = _SiteFinder()
    MetadataWrapper(module, unsafe_skip_copy=True).visit(finder)
    made: list[Mutant] = []
    for site in finder.sites:
        if kinds is not None and site.kind not in kinds:
            continue
        code = module.visit(_Apply(site)).code
        if code == source:
            continue
        try:
            compile(code, "<mutant>", "exec")
        except SyntaxError:
            continue
        made.append(Mutant(len(made), site.kind, site.line, site.description, code))
    return made

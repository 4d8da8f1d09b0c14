"""Surviving mutants that are equivalent: no behaviour of the node changes, so no
test could kill them (for benchmarks/mutation.py). Each rule says why; a mutant
marked here is reported with its reason and left out of the score's total.

The list is kept short and checked by hand: a rule names a code shape in which the
change cannot be observed, never a mutant that is merely hard to test (those stay
survivors: e.g. an event step's time limit, which only a stalled bus would show).
"""

from __future__ import annotations

import re
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from benchmarks.mutants import Mutant, _code

__all__ = ["equivalent"]

VERSION_GUARD = "require_api(1) -> pass"


def _number(node: cst.BaseExpression | None) -> float | None:
    if isinstance(node, (cst.Float, cst.Integer)):
        return float(node.evaluated_value)
    return None


def _argument(call: cst.Call, keyword: str) -> cst.BaseExpression | None:
    return next((a.value for a in call.args if a.keyword is not None and a.keyword.value == keyword), None)


def _named(call: cst.Call, name: str) -> bool:
    return isinstance(call.func, cst.Name) and call.func.value == name


PLAIN_JSON = frozenset({"str", "int", "bool", "Identifier"})  # the same value in model_dump's json and python modes


def plain_fields(package: Path | None) -> set[str]:
    """The request model's fields whose values are the same in JSON and in Python."""
    found: set[str] = set()
    for model in sorted(package.glob("models/model_*_input.py")) if package is not None else []:
        for statement in cst.parse_module(model.read_text(encoding="utf-8")).body:
            for item in statement.body.body if isinstance(statement, cst.ClassDef) else []:
                for line in item.body if isinstance(item, cst.SimpleStatementLine) else []:
                    if isinstance(line, cst.AnnAssign) and isinstance(line.target, cst.Name):
                        kinds = set(_code(line.annotation.annotation).replace(" ", "").split("|")) - {"None"}
                        if kinds <= PLAIN_JSON:
                            found.add(line.target.value)
    return found


class _Sites(cst.CSTVisitor):
    """The (line, value) of the time limits that another equal limit also bounds,
    and the lines of NoCompensation reasons."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, plain: set[str]) -> None:
        self.plain = plain
        self.bounded: set[tuple[int, float]] = set()
        self.reasons: set[tuple[int, str]] = set()
        self.json_modes: set[int] = set()
        self.inserted: set[tuple[int, str]] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """``found(row, table, key, ...)`` after ``INSERT ... RETURNING`` (no ON CONFLICT):
        the row is always there, so its table and key (read only when it is not) never show."""
        texts = [cst.Module(body=[]).code_for_node(s) for s in _strings(node)]
        if not any("INSERT INTO" in t and "RETURNING" in t and "ON CONFLICT" not in t for t in texts):
            return
        for call in _calls(node, "found"):
            for argument in call.args[1:3]:
                if isinstance(argument.value, cst.SimpleString):
                    self.inserted.add((self._line(argument.value), f"{_code(argument.value)} -> XX...XX"))

    def _line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "model_dump":
            include = _argument(node, "include")
            mode = _argument(node, "mode")
            names = {e.value.evaluated_value for e in include.elements if isinstance(e.value, cst.SimpleString)} \
                if isinstance(include, cst.Set) else None
            if mode is not None and names is not None and names <= self.plain:
                self.json_modes.add(self._line(mode))
        if _named(node, "NoCompensation") and node.args:
            reason = node.args[0].value
            self.reasons.add((self._line(reason), f"{_code(reason)} -> XX...XX"))
        if not _named(node, "SagaStep") or len(node.args) < 4:
            return
        limit = _number(node.args[1].value)
        calls = [a.value for a in node.args[2:4]
                 if isinstance(a.value, cst.Call) and _named(a.value, "StepAction") and _argument(a.value, "route")]
        deadlines = [(_argument(c, "timeout_s"), c) for c in calls]
        if limit is None or not calls or not all(_number(d) == limit for d, _ in deadlines):
            return
        # every call of the step has the step's limit as its whole-call deadline:
        # raising either one alone leaves the other bounding the step at the same time
        self.bounded.add((self._line(node.args[1].value), limit))
        for deadline, _ in deadlines:
            assert deadline is not None
            self.bounded.add((self._line(deadline), limit))


def _strings(node: cst.CSTNode) -> list[cst.SimpleString]:
    found: list[cst.SimpleString] = []

    class Strings(cst.CSTVisitor):
        def visit_SimpleString(self, string: cst.SimpleString) -> None:
            found.append(string)

    node.visit(Strings())
    return found


def _calls(node: cst.CSTNode, name: str) -> list[cst.Call]:
    found: list[cst.Call] = []

    class Calls(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            if _named(call, name):
                found.append(call)

    node.visit(Calls())
    return found


def equivalent(original: str, mutant: Mutant, package: Path | None = None) -> str | None:
    """Why ``mutant`` of ``original`` (a module of ``package``) changes no behaviour,
    or None when it may."""
    if mutant.description == VERSION_GUARD:
        return ("the support-version guard raises only when onex_support is older than the package; "
                "the package is generated with its own onex_support, so dropping the check changes nothing")
    sites = _Sites(plain_fields(package))
    MetadataWrapper(cst.parse_module(original)).visit(sites)
    if mutant.kind == "constant" and (mutant.line, mutant.description) in sites.reasons:
        return "a NoCompensation reason is documentation for people; nothing reads it at run time"
    found = re.fullmatch(r"(\d+(?:\.\d+)?) -> \d+(?:\.\d+)?", mutant.description)
    if mutant.kind == "constant" and found and (mutant.line, float(found.group(1))) in sites.bounded:
        return ("a saga step's time limit and its call's whole-call deadline are equal: raising one alone "
                "leaves the other bounding the step at the same time")
    if mutant.kind == "constant" and (mutant.line, mutant.description) in sites.inserted:
        return ("found()'s table and key name a missing row; INSERT ... RETURNING always returns its row "
                "(or raises), so they are never read")
    if mutant.kind == "constant" and mutant.line in sites.json_modes and mutant.description == '"json" -> XX...XX':
        return ("model_dump of str/int/bool fields only: the json and python modes give the same values")
    return None

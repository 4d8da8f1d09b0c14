"""Surviving mutants that are equivalent: no behaviour of the node changes, so no
test could kill them (for benchmarks/mutation.py). Each rule says why; a mutant
marked here is reported with its reason and left out of the score's total.

The list is kept short and checked by hand: a rule names a code shape in which the
change cannot be observed, never a mutant that is merely hard to test (those stay
survivors: e.g. an event step's time limit, which only a stalled bus would show).
"""

from __future__ import annotations

import re

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


class _Sites(cst.CSTVisitor):
    """The (line, value) of the time limits that another equal limit also bounds,
    and the lines of NoCompensation reasons."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        self.bounded: set[tuple[int, float]] = set()
        self.reasons: set[tuple[int, str]] = set()

    def _line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def visit_Call(self, node: cst.Call) -> None:
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


def equivalent(original: str, mutant: Mutant) -> str | None:
    """Why ``mutant`` of ``original`` changes no behaviour, or None when it may."""
    if mutant.description == VERSION_GUARD:
        return ("the support-version guard raises only when onex_support is older than the package; "
                "the package is generated with its own onex_support, so dropping the check changes nothing")
    sites = _Sites()
    MetadataWrapper(cst.parse_module(original)).visit(sites)
    if mutant.kind == "constant" and (mutant.line, mutant.description) in sites.reasons:
        return "a NoCompensation reason is documentation for people; nothing reads it at run time"
    found = re.fullmatch(r"(\d+(?:\.\d+)?) -> \d+(?:\.\d+)?", mutant.description)
    if mutant.kind == "constant" and found and (mutant.line, float(found.group(1))) in sites.bounded:
        return ("a saga step's time limit and its call's whole-call deadline are equal: raising one alone "
                "leaves the other bounding the step at the same time")
    return None
